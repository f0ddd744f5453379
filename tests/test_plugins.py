"""Plugin discovery: laziness, failures, conflicts, switches, namespaces."""

from __future__ import annotations

import pytest
from kernel_fixtures import FakeEntryPoint, make_plugin

import kcore
from kcore import plugins
from kcore.records import ActivationSpec, BackendSpec, LayerSpec


class ScaleLayer:
    pass


def _layers_plugin(*names):
    return make_plugin(
        "layers_plugin",
        kcore_layers=lambda: [LayerSpec(n, f"{__name__}:ScaleLayer") for n in names],
    )


def test_duplicate_names_name_both_distributions(fake_entry_points):
    fake_entry_points(
        [
            FakeEntryPoint("dist-one", _layers_plugin("Scale", "Other")),
            FakeEntryPoint("dist-two", _layers_plugin("Scale")),
        ]
    )
    with pytest.raises(plugins.PluginConflictError) as info:
        plugins.registry("layers")
    message = str(info.value)
    assert "'Scale'" in message and "dist-one" in message and "dist-two" in message
    assert "Other" not in message


def test_broken_plugin_is_reported_and_the_rest_works(fake_entry_points):
    fake_entry_points(
        [
            FakeEntryPoint("good-layers", _layers_plugin("Scale")),
            FakeEntryPoint("broken-layers", error=ZeroDivisionError("boom at import")),
        ]
    )
    with pytest.warns(plugins.KcorePluginWarning, match="broken-layers.*boom at import"):
        infos = {info.name: info for info in plugins.plugin_infos()}
    assert infos["broken-layers"].status == "failed"
    assert "ZeroDivisionError: boom at import" in infos["broken-layers"].error
    assert "Traceback" in infos["broken-layers"].error
    assert infos["good-layers"].status == "active"
    assert infos["good-layers"].registered == {"layers": ["Scale"]}
    assert kcore.layers.Scale is ScaleLayer


def test_misspelled_hook_fails_loudly(fake_entry_points):
    typo = make_plugin("typo", kcore_layer=lambda: [])
    fake_entry_points([FakeEntryPoint("typo-dist", typo)])
    with pytest.warns(plugins.KcorePluginWarning, match="kcore_layer"):
        (info,) = plugins.plugin_infos()
    assert info.status == "failed"
    assert "did you mean ['kcore_layers']" in info.error


def test_hook_returning_wrong_record_type_marks_plugin_failed(fake_entry_points):
    bad = make_plugin("bad", kcore_layers=lambda: [ActivationSpec("relu", "x:y")])
    fake_entry_points(
        [FakeEntryPoint("bad-dist", bad), FakeEntryPoint("ok", _layers_plugin("Scale"))]
    )
    with pytest.warns(plugins.KcorePluginWarning, match="must return LayerSpec"):
        table = plugins.registry("layers")
    assert set(table) == {"Scale"}


@pytest.mark.parametrize(
    ("env", "expected_active"),
    [
        ({"KCORE_PLUGINS": "dist-one"}, {"dist-one"}),
        ({"KCORE_PLUGINS": "DIST_TWO"}, {"dist-two"}),
        ({"KCORE_DISABLED_PLUGINS": "dist-one"}, {"dist-two"}),
        ({"KCORE_DISABLE_PLUGIN_AUTOLOAD": "1"}, set()),
        ({"KCORE_DISABLE_PLUGIN_AUTOLOAD": "1", "KCORE_PLUGINS": "dist-two"}, {"dist-two"}),
    ],
)
def test_allowlist_blocklist_and_autoload_switches(
    isolated, fake_entry_points, env, expected_active
):
    for key, value in env.items():
        isolated.setenv(key, value)
    fake_entry_points(
        [
            FakeEntryPoint("dist-one", _layers_plugin("One")),
            FakeEntryPoint("dist-two", _layers_plugin("Two")),
        ]
    )
    infos = {info.name: info.status for info in plugins.plugin_infos()}
    assert {name for name, status in infos.items() if status == "active"} == expected_active
    assert {name for name, status in infos.items() if status == "blocked"} == (
        {"dist-one", "dist-two"} - expected_active
    )
    names = set(plugins.registry("layers"))
    assert names == {n.split("-")[1].capitalize() for n in expected_active}


def test_registry_is_built_lazily_and_cached(fake_entry_points):
    calls = []

    def kcore_layers():
        calls.append(1)
        return [LayerSpec("Scale", ScaleLayer)]

    fake_entry_points([FakeEntryPoint("counting", make_plugin("c", kcore_layers=kcore_layers))])
    assert calls == []
    plugins.registry("layers")
    plugins.registry("layers")
    assert kcore.layers.Scale is ScaleLayer
    assert calls == [1]


def test_missing_name_says_which_package_to_install(fake_entry_points):
    fake_entry_points([])
    with pytest.raises(AttributeError, match=r"pip install kcore-layers"):
        kcore.layers.Dense  # noqa: B018
    with pytest.raises(AttributeError, match=r"pip install kcore-optim"):
        kcore.optimizers.Adam  # noqa: B018
    with pytest.raises(AttributeError, match=r"pip install kcore-optim"):
        kcore.optimizers.schedules.CosineDecay  # noqa: B018
    with pytest.raises(AttributeError, match=r"pip install kcore-zoo"):
        kcore.datasets.mnist  # noqa: B018


def test_missing_name_with_provider_installed_lists_close_matches(fake_entry_points):
    fake_entry_points([FakeEntryPoint("kcore-layers", _layers_plugin("Dense", "Dropout"))])
    with pytest.raises(AttributeError) as info:
        kcore.layers.Dens  # noqa: B018
    assert "Did you mean: Dense" in str(info.value)
    assert "pip install" not in str(info.value)
    assert "Dense" in dir(kcore.layers) and "Dropout" in dir(kcore.layers)


def test_in_process_register_and_unregister(fake_entry_points):
    fake_entry_points([])
    plugin = make_plugin("mine", kcore_layers=lambda: [LayerSpec("Mine", ScaleLayer)])
    plugins.register(plugin, name="my-plugin")
    try:
        assert kcore.layers.__getattr__("Mine") is ScaleLayer
    finally:
        plugins.unregister("my-plugin")
    assert "Mine" not in plugins.registry("layers")


def test_register_rejects_unknown_hook(fake_entry_points):
    fake_entry_points([])
    with pytest.raises(plugins.PluginError, match="kcore_layres"):
        plugins.register(make_plugin("bad", kcore_layres=lambda: []), name="bad")


def test_records_validate_their_fields():
    with pytest.raises(ValueError, match="identifier"):
        LayerSpec("not a name", "x:y")
    with pytest.raises(TypeError, match="aliases"):
        LayerSpec("Ok", "x:y", aliases="ok")
    spec = BackendSpec("fake", "kcore.backend.base:Backend", framework="none")
    assert spec.resolve() is kcore.backend.Backend
    with pytest.raises(ImportError, match="no attribute"):
        LayerSpec("Gone", "kcore.records:DoesNotExist").resolve()


def test_real_environment_missing_standard_plugins_say_what_to_install():
    """In an environment without kcore-optim / kcore-layers (the nox `minimal` sessions), the
    names they provide fail with the package to install, and kcore itself keeps working."""
    import importlib.util

    checks = [("kcore_optim", "optimizers", "Adam", "kcore-optim"),
              ("kcore_optim", "losses", "MeanSquaredError", "kcore-optim"),
              ("kcore_layers", "layers", "Dense", "kcore-layers")]  # fmt: skip
    ran = False
    for module, namespace, name, dist in checks:
        if importlib.util.find_spec(module) is not None:
            continue
        ran = True
        with pytest.raises(AttributeError, match=f"pip install {dist}"):
            getattr(getattr(kcore, namespace), name)
    if not ran:
        pytest.skip("kcore-optim and kcore-layers are installed here")
    assert kcore.backend.backend()
