"""kcore.optimizers against Keras 3 (NumPy backend), on the active kcore backend.

Every comparison runs the same optimizer in both libraries from the same initial variables over
the same gradient sequence, then compares the variables and the whole optimizer state (which also
checks that the state is created in Keras's order, so saved optimizer state moves across).
"""

from __future__ import annotations

import types

import numpy as np
import pytest

import kcore
from kcore import ops
from kcore.records import FusedKernelSpec

keras = pytest.importorskip("keras")

# Keras's NumPy backend calls np.array(variable) with NumPy 2's `copy` keyword unsupported.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")

BACKEND = kcore.backend.backend()
RTOL = 1e-5 if BACKEND == "jax" else 1e-6
ATOL = 1e-7

_rng = np.random.default_rng(1234)
SHAPES = {"kernel": (3, 4), "bias": (4,), "conv": (2, 3, 2)}
INITIAL = {name: _rng.normal(size=shape).astype("float32") for name, shape in SHAPES.items()}
GRADIENTS = [
    [_rng.normal(size=shape).astype("float32") for shape in SHAPES.values()] for _ in range(5)
]

# (id, class name, constructor arguments given the namespace: keras.optimizers or kcore's).
CASES = [
    ("sgd", "SGD", lambda ns: {"learning_rate": 0.1}),
    ("sgd_momentum", "SGD", lambda ns: {"learning_rate": 0.1, "momentum": 0.9}),
    ("sgd_nesterov", "SGD", lambda ns: {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    ("rmsprop", "RMSprop", lambda ns: {"learning_rate": 0.01}),
    ("rmsprop_centered", "RMSprop", lambda ns: {"centered": True, "momentum": 0.5}),
    ("adam", "Adam", lambda ns: {"learning_rate": 0.01}),
    ("adam_amsgrad", "Adam", lambda ns: {"learning_rate": 0.01, "amsgrad": True}),
    ("adamw", "AdamW", lambda ns: {"learning_rate": 0.01, "weight_decay": 0.1}),
    ("adadelta", "Adadelta", lambda ns: {"learning_rate": 1.0}),
    ("adagrad", "Adagrad", lambda ns: {"learning_rate": 0.1}),
    ("adamax", "Adamax", lambda ns: {"learning_rate": 0.01}),
    ("nadam", "Nadam", lambda ns: {"learning_rate": 0.01}),
    ("ftrl", "Ftrl", lambda ns: {"learning_rate": 0.1}),
    (
        "ftrl_regularized",
        "Ftrl",
        lambda ns: {
            "learning_rate": 0.1,
            "l1_regularization_strength": 0.01,
            "l2_regularization_strength": 0.02,
            "l2_shrinkage_regularization_strength": 0.03,
            "beta": 0.1,
            "learning_rate_power": -0.3,
        },
    ),
    ("lion", "Lion", lambda ns: {"learning_rate": 0.01}),
    ("adafactor", "Adafactor", lambda ns: {"learning_rate": 0.01}),
    (
        "adafactor_schedule",
        "Adafactor",
        lambda ns: {
            "learning_rate": ns.schedules.InverseTimeDecay(0.5, 1, 0.5),
            "relative_step": False,
        },
    ),
    ("clipnorm", "Adam", lambda ns: {"learning_rate": 0.01, "clipnorm": 0.5}),
    ("clipvalue", "SGD", lambda ns: {"learning_rate": 0.1, "clipvalue": 0.3}),
    ("global_clipnorm", "RMSprop", lambda ns: {"global_clipnorm": 0.7}),
    (
        "weight_decay",
        "SGD",
        lambda ns: {"learning_rate": 0.1, "momentum": 0.5, "weight_decay": 0.2},
    ),
    ("ema", "Adam", lambda ns: {"learning_rate": 0.01, "use_ema": True, "ema_momentum": 0.9}),
    (
        "ema_overwrite",
        "SGD",
        lambda ns: {"learning_rate": 0.1, "use_ema": True, "ema_overwrite_frequency": 2},
    ),
    ("accumulation", "Adam", lambda ns: {"learning_rate": 0.01, "gradient_accumulation_steps": 2}),
    (
        "accumulation_ema",
        "SGD",
        lambda ns: {
            "learning_rate": 0.1,
            "momentum": 0.9,
            "gradient_accumulation_steps": 3,
            "use_ema": True,
        },
    ),
    ("loss_scale_factor", "Adam", lambda ns: {"learning_rate": 0.01, "loss_scale_factor": 4.0}),
    (
        "exponential_decay",
        "SGD",
        lambda ns: {
            "learning_rate": ns.schedules.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5)
        },
    ),
    (
        "cosine_warmup",
        "Adam",
        lambda ns: {
            "learning_rate": ns.schedules.CosineDecay(
                0.0, decay_steps=3, warmup_target=0.05, warmup_steps=2
            )
        },
    ),
]
CASE_IDS = [case[0] for case in CASES]
OPTIMIZER_NAMES = ["SGD", "RMSprop", "Adam", "AdamW", "Adadelta", "Adagrad", "Adamax", "Nadam",
                   "Ftrl", "Lion", "Adafactor"]  # fmt: skip


def _make(namespace, class_name, arguments):
    return getattr(namespace, class_name)(**arguments(namespace))


def _kcore_variables():
    return [kcore.Variable(value.copy(), name=name) for name, value in INITIAL.items()]


def _keras_variables():
    return [keras.Variable(value.copy(), name=name) for name, value in INITIAL.items()]


def _numpy(variable, dtype=None):
    """A kcore or Keras variable's value as an array (Keras's ``numpy()`` warns on NumPy 2)."""
    if isinstance(variable, kcore.Variable):
        return np.asarray(variable.numpy(), dtype)
    return np.asarray(keras.ops.convert_to_numpy(variable.value), dtype)


def _run(optimizer, variables, gradients=GRADIENTS, to_tensor=ops.convert_to_tensor):
    for step in gradients:
        optimizer.apply([to_tensor(g) for g in step], variables)
    return [_numpy(v) for v in variables]


def _state(optimizer):
    return [_numpy(v, "float64") for v in optimizer.variables]


def _assert_all_close(actual, expected, what):
    """Elementwise rtol, plus an atol of rtol times the array's largest magnitude.

    Accumulators such as Ftrl's ``linear`` cancel terms ~40x larger than the result, so a one-ulp
    difference in a framework's ``pow`` shows up as ~1e-6 relative on a single element.
    """
    assert len(actual) == len(expected), f"{what}: {len(actual)} values vs {len(expected)}"
    for i, (a, e) in enumerate(zip(actual, expected)):
        atol = max(ATOL, RTOL * float(np.max(np.abs(e), initial=0.0)))
        np.testing.assert_allclose(a, e, rtol=RTOL, atol=atol, err_msg=f"{what}[{i}]")


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_matches_keras(case):
    _, class_name, arguments = case
    ours = _make(kcore.optimizers, class_name, arguments)
    theirs = _make(keras.optimizers, class_name, arguments)
    our_values = _run(ours, _kcore_variables())
    their_values = _run(theirs, _keras_variables(), to_tensor=lambda g: g)
    _assert_all_close(our_values, their_values, "variables")
    _assert_all_close(_state(ours), _state(theirs), "optimizer.variables")


@pytest.mark.parametrize("case", [c for c in CASES if c[0].startswith("ema")], ids=lambda c: c[0])
def test_finalize_variable_values_matches_keras(case):
    _, class_name, arguments = case
    ours, theirs = (
        _make(kcore.optimizers, class_name, arguments),
        _make(keras.optimizers, class_name, arguments),
    )
    our_variables, their_variables = _kcore_variables(), _keras_variables()
    _run(ours, our_variables)
    _run(theirs, their_variables, to_tensor=lambda g: g)
    ours.finalize_variable_values(our_variables)
    theirs.finalize_variable_values(their_variables)
    _assert_all_close([_numpy(v) for v in our_variables], [_numpy(v) for v in their_variables], "")


def test_loss_scale_optimizer_matches_keras():
    gradients = [[g * 64.0 for g in step] for step in GRADIENTS]
    gradients.insert(2, [np.full(s, np.inf, "float32") for s in SHAPES.values()])
    ours = kcore.optimizers.LossScaleOptimizer(
        kcore.optimizers.Adam(learning_rate=0.01), initial_scale=64.0, dynamic_growth_steps=2
    )
    theirs = keras.optimizers.LossScaleOptimizer(
        keras.optimizers.Adam(learning_rate=0.01), initial_scale=64.0, dynamic_growth_steps=2
    )
    our_values = _run(ours, _kcore_variables(), gradients)
    their_values = _run(theirs, _keras_variables(), gradients, to_tensor=lambda g: g)
    _assert_all_close(our_values, their_values, "variables")
    _assert_all_close(_state(ours), _state(theirs), "optimizer.variables")
    assert float(ops.convert_to_numpy(ours.scale_loss(1.0))) == float(theirs.scale_loss(1.0))


def test_exclude_from_weight_decay_matches_keras():
    results = []
    for namespace, variables in ((kcore.optimizers, _kcore_variables()),
                                 (keras.optimizers, _keras_variables())):  # fmt: skip
        optimizer = namespace.AdamW(learning_rate=0.1, weight_decay=0.5)
        optimizer.exclude_from_weight_decay(var_list=variables[:1], var_names=["bias"])
        to_tensor = ops.convert_to_tensor if namespace is kcore.optimizers else (lambda g: g)
        results.append(_run(optimizer, variables, to_tensor=to_tensor))
    _assert_all_close(*results, "variables")


@pytest.mark.parametrize("accumulation", [None, 2])
def test_overwrite_with_gradient_matches_keras(accumulation):
    results = []
    for namespace, variables in ((kcore.optimizers, _kcore_variables()),
                                 (keras.optimizers, _keras_variables())):  # fmt: skip
        variables[1].overwrite_with_gradient = True
        optimizer = namespace.Adam(learning_rate=0.01, gradient_accumulation_steps=accumulation)
        to_tensor = ops.convert_to_tensor if namespace is kcore.optimizers else (lambda g: g)
        results.append((_run(optimizer, variables, to_tensor=to_tensor), _state(optimizer)))
    (our_values, our_state), (their_values, their_state) = results
    _assert_all_close(our_values, their_values, "variables")
    _assert_all_close(our_state, their_state, "optimizer.variables")


# -- stateless_apply -------------------------------------------------------------------------------
STATELESS_CASES = [c for c in CASES if c[0] in {
    "sgd_momentum", "adam_amsgrad", "nadam", "adafactor", "global_clipnorm", "weight_decay",
    "ema_overwrite", "accumulation_ema", "cosine_warmup", "ftrl_regularized"}]  # fmt: skip


def _stateless_fn(optimizer):
    fn = optimizer.stateless_apply
    if BACKEND == "jax":
        import jax

        fn = jax.jit(fn)
    return fn


@pytest.mark.parametrize("case", STATELESS_CASES, ids=lambda c: c[0])
def test_stateless_apply_matches_apply(case):
    _, class_name, arguments = case
    stateful = _make(kcore.optimizers, class_name, arguments)
    expected = _run(stateful, _kcore_variables())

    stateless = _make(kcore.optimizers, class_name, arguments)
    variables = _kcore_variables()
    stateless.build(variables)
    trainable = [v.value for v in variables]
    state = [v.value for v in stateless.variables]
    step_fn = _stateless_fn(stateless)
    for step in GRADIENTS:
        trainable, state = step_fn(state, [ops.convert_to_tensor(g) for g in step], trainable)
    _assert_all_close([ops.convert_to_numpy(t) for t in trainable], expected, "variables")
    _assert_all_close(
        [np.asarray(ops.convert_to_numpy(s), "float64") for s in state], _state(stateful), "state"
    )
    # Nothing was mutated: the optimizer and the variables still hold their initial values.
    _assert_all_close([v.numpy() for v in variables], list(INITIAL.values()), "untouched")
    assert int(ops.convert_to_numpy(stateless.iterations)) == 0


def test_stateless_apply_loss_scale_optimizer():
    gradients = [[g * 8.0 for g in step] for step in GRADIENTS]
    gradients.insert(1, [np.full(s, np.nan, "float32") for s in SHAPES.values()])

    def make():
        return kcore.optimizers.LossScaleOptimizer(
            kcore.optimizers.SGD(learning_rate=0.1, momentum=0.5),
            initial_scale=8.0,
            dynamic_growth_steps=2,
        )

    stateful = make()
    expected = _run(stateful, _kcore_variables(), gradients)
    stateless = make()
    variables = _kcore_variables()
    stateless.build(variables)
    trainable, state = [v.value for v in variables], [v.value for v in stateless.variables]
    step_fn = _stateless_fn(stateless)
    for step in gradients:
        trainable, state = step_fn(state, [ops.convert_to_tensor(g) for g in step], trainable)
    _assert_all_close([ops.convert_to_numpy(t) for t in trainable], expected, "variables")
    _assert_all_close(
        [np.asarray(ops.convert_to_numpy(s), "float64") for s in state], _state(stateful), "state"
    )


def test_stateless_apply_checks_lengths():
    optimizer = kcore.optimizers.SGD()
    with pytest.raises(ValueError, match="must be built"):
        optimizer.stateless_apply([], [], [])
    variables = _kcore_variables()
    optimizer.build(variables)
    with pytest.raises(ValueError, match="optimizer_variables"):
        optimizer.stateless_apply([], GRADIENTS[0], [v.value for v in variables])


# -- the fused-kernel hook -------------------------------------------------------------------------
class FusedProbe(kcore.optimizers.SGD):
    """An SGD whose class name a test plugin registers a fused kernel for."""


class DecliningProbe(kcore.optimizers.SGD):
    """An SGD whose registered kernel declines (returns NotImplemented)."""


def test_fused_kernel_replaces_update_step():
    calls = []

    def fused_sgd(optimizer, grads, variables, learning_rate):
        calls.append(len(grads))
        for grad, variable in zip(grads, variables):
            lr = ops.cast(learning_rate, variable.dtype)
            variable.assign(ops.subtract(variable.value, ops.multiply(grad, lr)))

    def declining(optimizer, grads, variables, learning_rate):
        calls.append("declined")
        return NotImplemented

    def kcore_fused_kernels(backend):
        return [
            FusedKernelSpec("FusedProbe", fused_sgd, backend=backend),
            FusedKernelSpec("DecliningProbe", declining, backend=backend),
        ]

    plugin = types.ModuleType("kcore_optim_test_fused")
    plugin.kcore_fused_kernels = kcore.hookimpl(kcore_fused_kernels)
    kcore.plugins.register(plugin, name="kcore-optim-test-fused")
    try:
        fused = FusedProbe(learning_rate=0.1)
        values = _run(fused, _kcore_variables())
        assert calls == [len(SHAPES)] * len(GRADIENTS)
        # The stateless path never calls a fused kernel (it may update in place).
        fused.stateless_apply(
            [v.value for v in fused.variables], GRADIENTS[0], [v.value for v in _kcore_variables()]
        )
        assert len(calls) == len(GRADIENTS)
        declined = _run(DecliningProbe(learning_rate=0.1), _kcore_variables())
        assert calls[len(GRADIENTS) :] == ["declined"] * len(GRADIENTS)
    finally:
        kcore.plugins.unregister("kcore-optim-test-fused")
    expected = _run(kcore.optimizers.SGD(0.1), _kcore_variables())
    _assert_all_close(values, expected, "fused")
    _assert_all_close(declined, expected, "declined")


# -- behaviour -------------------------------------------------------------------------------------
def test_constraint_applied_after_update():
    variables = _kcore_variables()
    variables[0].constraint = lambda w: ops.clip(w, -0.1, 0.1)
    _run(kcore.optimizers.SGD(learning_rate=0.1), variables)
    assert np.abs(variables[0].numpy()).max() <= 0.1 + 1e-7
    assert np.abs(variables[1].numpy()).max() > 0.1


def test_missing_gradient_warns_and_updates_the_rest():
    variables = _kcore_variables()
    optimizer = kcore.optimizers.SGD(learning_rate=0.1)
    with pytest.warns(UserWarning, match="Gradients do not exist for variables"):
        optimizer.apply([None, ops.convert_to_tensor(GRADIENTS[0][1]), None], variables)
    np.testing.assert_allclose(variables[0].numpy(), INITIAL["kernel"])
    np.testing.assert_allclose(
        variables[1].numpy(), INITIAL["bias"] - 0.1 * GRADIENTS[0][1], rtol=RTOL
    )
    with pytest.raises(ValueError, match="No gradients provided"):
        optimizer.apply([None, None, None], variables)


def test_apply_gradients_and_iterations():
    variables = _kcore_variables()
    optimizer = kcore.optimizers.Adam()
    for step in GRADIENTS[:3]:
        optimizer.apply_gradients(zip([ops.convert_to_tensor(g) for g in step], variables))
    assert int(optimizer.iterations.numpy()) == 3
    assert optimizer.iterations.dtype in ("int64", "int32")
    with pytest.raises(ValueError, match="Unknown variable"):
        optimizer.apply(GRADIENTS[0], _kcore_variables())


def test_learning_rate_property():
    optimizer = kcore.optimizers.SGD(learning_rate=0.5)
    assert float(optimizer.learning_rate.numpy()) == 0.5
    optimizer.learning_rate = 0.25
    assert float(optimizer.learning_rate.numpy()) == 0.25
    with pytest.raises(ValueError, match="learning_rate=-1"):
        optimizer.learning_rate = -1.0
    optimizer.learning_rate = kcore.optimizers.schedules.ExponentialDecay(0.1, 1, 0.5)
    assert "learning_rate" not in [v.name for v in optimizer.variables]
    with pytest.raises(TypeError, match="not settable"):
        optimizer.learning_rate = 0.1
    called = kcore.optimizers.SGD(learning_rate=lambda: 0.3)
    assert float(ops.convert_to_numpy(called.learning_rate)) == pytest.approx(0.3)


def test_save_and_load_own_variables():
    source = kcore.optimizers.Adam(learning_rate=0.01)
    _run(source, _kcore_variables())
    store = {}
    source.save_own_variables(store)
    target = kcore.optimizers.Adam(learning_rate=0.01)
    target.build(_kcore_variables())
    target.load_own_variables(store)
    _assert_all_close(_state(target), _state(source), "loaded")
    with pytest.warns(UserWarning, match="Skipping variable loading"):
        kcore.optimizers.Adam().load_own_variables(store)


def test_variable_paths_follow_keras():
    optimizer = kcore.optimizers.Adam(name="adam_x")
    optimizer.build(_kcore_variables()[:1])
    assert [v.path for v in optimizer.variables] == [
        "adam_x/iteration", "adam_x/learning_rate", "adam_x/kernel_momentum",
        "adam_x/kernel_velocity"]  # fmt: skip


# -- configs ---------------------------------------------------------------------------------------
def _without_name(config):
    return {k: v for k, v in config.items() if k != "name"}


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_default_config_matches_keras(name):
    ours = getattr(kcore.optimizers, name)().get_config()
    theirs = getattr(keras.optimizers, name)().get_config()
    assert _without_name(ours) == _without_name(theirs)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_config_round_trip(case):
    _, class_name, arguments = case
    optimizer = _make(kcore.optimizers, class_name, arguments)
    config = optimizer.get_config()
    rebuilt = type(optimizer).from_config(config)
    assert rebuilt.get_config() == config
    restored = kcore.optimizers.deserialize(kcore.optimizers.serialize(optimizer))
    assert type(restored) is type(optimizer)
    assert restored.get_config() == config


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_keras_serialized_config_loads(case):
    _, class_name, arguments = case
    theirs = _make(keras.optimizers, class_name, arguments)
    ours = kcore.optimizers.deserialize(keras.optimizers.serialize(theirs))
    assert type(ours).__name__ == class_name
    assert kcore.optimizers.serialize(ours) == keras.optimizers.serialize(theirs)


def test_loss_scale_optimizer_config_round_trip():
    optimizer = kcore.optimizers.LossScaleOptimizer(
        kcore.optimizers.SGD(momentum=0.5), initial_scale=128.0
    )
    config = kcore.optimizers.serialize(optimizer)
    keras_config = keras.optimizers.serialize(
        keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(momentum=0.5), initial_scale=128.0)
    )
    del config["config"]["name"], config["config"]["inner_optimizer"]["config"]["name"]
    del keras_config["config"]["name"], keras_config["config"]["inner_optimizer"]["config"]["name"]
    assert config == keras_config
    restored = kcore.optimizers.deserialize(kcore.optimizers.serialize(optimizer))
    assert restored.get_config() == optimizer.get_config()


def test_string_aliases():
    for name in OPTIMIZER_NAMES:
        optimizer = kcore.optimizers.get(name.lower())
        assert type(optimizer).__name__ == name
    assert kcore.optimizers.Adam is type(kcore.optimizers.get("adam"))


def test_auto_names_are_unique_and_snake_cased():
    first, second = kcore.optimizers.RMSprop(), kcore.optimizers.RMSprop()
    assert first.name.startswith("rm_sprop") and first.name != second.name


# -- bad input -------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [-0.1, "fast", None, True, [0.1]])
def test_bad_learning_rate(value):
    with pytest.raises(ValueError, match=r"`learning_rate`.*Received: learning_rate="):
        kcore.optimizers.Adam(learning_rate=value)


def test_integer_learning_rate_accepted():
    assert float(kcore.optimizers.SGD(learning_rate=1).learning_rate.numpy()) == 1.0


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"clipnorm": 1.0, "clipvalue": 1.0}, "Only one of `clipnorm`"),
        ({"global_clipnorm": 1.0, "clipnorm": 1.0}, "Only one of `clipnorm`"),
        ({"gradient_accumulation_steps": 1}, "gradient_accumulation_steps"),
        ({"use_ema": True, "ema_momentum": 1.5}, "ema_momentum"),
        ({"use_ema": True, "ema_overwrite_frequency": 0.5}, "ema_overwrite_frequency"),
        ({"bogus": 1}, "not recognized"),
    ],
)
def test_bad_base_arguments(arguments, message):
    with pytest.raises(ValueError, match=message):
        kcore.optimizers.Adam(**arguments)


def test_bad_optimizer_arguments():
    with pytest.raises(ValueError, match="weight_decay=None"):
        kcore.optimizers.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="beta_1"):
        kcore.optimizers.Lion(beta_1=0.0)
    with pytest.raises(ValueError, match="momentum"):
        kcore.optimizers.SGD(momentum=-0.5)
    with pytest.raises(ValueError, match="learning_rate_power"):
        kcore.optimizers.Ftrl(learning_rate_power=0.5)
    with pytest.raises(ValueError, match="l1_regularization_strength"):
        kcore.optimizers.Ftrl(l1_regularization_strength=-1.0)
    with pytest.raises(ValueError, match="does not support `clipnorm`"):
        kcore.optimizers.LossScaleOptimizer(kcore.optimizers.SGD(), clipnorm=1.0)


def test_unknown_optimizer_name():
    with pytest.raises(AttributeError, match="Adam"):
        kcore.optimizers.Adamm  # noqa: B018
    with pytest.raises(ValueError, match="adam"):
        kcore.optimizers.get("adamm")


def test_apply_without_variables_before_build():
    with pytest.raises(ValueError, match="must already be built"):
        kcore.optimizers.SGD().apply(GRADIENTS[0])
