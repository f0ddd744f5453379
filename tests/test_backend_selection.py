"""Backend selection: env var, config file, single installed, preference order, errors."""

from __future__ import annotations

import json
import sys

import pytest
from kernel_fixtures import FakeEntryPoint, make_plugin

import kcore
from kcore.backend import BackendNotFoundError, _selection
from kcore.records import BackendSpec


@pytest.fixture
def fake_backends(fake_entry_points, tmp_path, isolated):
    """Install fake backend plugins whose classes live in real, separately importable modules."""

    def install(*names):
        pkg = tmp_path / "fakebackends"
        pkg.mkdir(exist_ok=True)
        for name in names:
            (pkg / f"fake_{name}_backend.py").write_text(
                "from kcore.backend import Backend\n\n"
                f"class FakeBackend(Backend):\n    name = {name!r}\n"
            )
        isolated.syspath_prepend(str(pkg))
        for name in names:
            sys.modules.pop(f"fake_{name}_backend", None)
        loaded = []
        entry_points = []
        for name in names:
            spec = BackendSpec(name, f"fake_{name}_backend:FakeBackend", framework=f"fake_{name}")
            plugin = make_plugin(
                f"p_{name}",
                kcore_backends=lambda spec=spec: [spec],
            )
            entry_points.append(FakeEntryPoint(f"kcore-backend-{name}", plugin))
        listener = make_plugin(
            "listener", kcore_backend_loaded=lambda backend: loaded.append(backend)
        )
        entry_points.append(FakeEntryPoint("listener", listener))
        fake_entry_points(entry_points)
        return loaded

    return install


def test_no_backend_installed_names_the_three_packages(fake_backends):
    fake_backends()
    with pytest.raises(BackendNotFoundError) as info:
        kcore.backend.backend()
    for package in ("kcore-backend-torch", "kcore-backend-jax", "kcore-backend-tf"):
        assert package in str(info.value)


def test_single_installed_backend_is_chosen_and_loaded_lazily(fake_backends):
    loaded = fake_backends("alpha")
    assert kcore.backend.backend() == "alpha"
    assert "fake_alpha_backend" not in sys.modules  # naming it does not import it
    backend = kcore.backend.get_backend()
    assert backend.name == "alpha" and "fake_alpha_backend" in sys.modules
    assert loaded == [backend]  # kcore_backend_loaded hook fired once


def test_preference_order_among_several(fake_backends):
    fake_backends("tensorflow", "jax", "torch")
    assert kcore.backend.backend() == _selection.PREFERENCE[0] == "torch"


def test_env_var_wins_and_imports_only_that_backend(fake_backends, isolated):
    fake_backends("torch", "jax")
    isolated.setenv("KCORE_BACKEND", "JAX")
    assert kcore.backend.get_backend().name == "jax"
    assert "fake_jax_backend" in sys.modules and "fake_torch_backend" not in sys.modules


def test_tf_alias(fake_backends, isolated):
    fake_backends("tensorflow", "torch")
    isolated.setenv("KCORE_BACKEND", "tf")
    assert kcore.backend.backend() == "tensorflow"


def test_config_file(fake_backends, tmp_path):
    fake_backends("torch", "jax")
    home = tmp_path / "kcore-home"
    home.mkdir()
    (home / "kcore.json").write_text(json.dumps({"backend": "jax", "floatx": "float64"}))
    kcore.config._reset()
    assert kcore.backend.backend() == "jax"
    assert kcore.config.floatx() == "float64"


def test_bad_config_file_is_a_clear_error(fake_backends, tmp_path):
    fake_backends("torch")
    home = tmp_path / "kcore-home"
    home.mkdir()
    (home / "kcore.json").write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        kcore.backend.backend()


def test_unknown_backend_lists_installed(fake_backends, isolated):
    fake_backends("torch", "jax")
    isolated.setenv("KCORE_BACKEND", "theano")
    with pytest.raises(BackendNotFoundError) as info:
        kcore.backend.backend()
    message = str(info.value)
    assert "'theano'" in message and "jax, torch" in message and "KCORE_BACKEND" in message


def test_set_backend_switches(fake_backends):
    fake_backends("torch", "jax")
    assert kcore.backend.get_backend().name == "torch"
    kcore.config.set_backend("jax")
    assert kcore.backend.backend() == "jax"
    assert kcore.backend.get_backend().name == "jax"
    with pytest.raises(BackendNotFoundError, match="Installed backends: jax, torch"):
        kcore.config.set_backend("mxnet")
    assert kcore.backend.backend() == "jax"  # a bad request changes nothing


def test_config_setters_validate(isolated):
    with pytest.raises(ValueError, match="floatx"):
        kcore.config.set_floatx("float8")
    with pytest.raises(ValueError, match="image_data_format"):
        kcore.config.set_image_data_format("NHWC")
    kcore.config.set_epsilon(1e-5)
    assert kcore.backend.epsilon() == 1e-5
