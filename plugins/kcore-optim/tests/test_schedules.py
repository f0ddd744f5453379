"""kcore.optimizers.schedules against Keras 3 (NumPy backend), on the active kcore backend."""

from __future__ import annotations

import numpy as np
import pytest

import kcore
from kcore import ops

keras = pytest.importorskip("keras")

# Keras's NumPy backend calls np.array(variable) with NumPy 2's `copy` keyword unsupported.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")

RTOL = 1e-5 if kcore.backend.backend() == "jax" else 1e-6
STEPS = [0, 1, 2, 5, 9, 10, 11, 25, 99, 100, 101, 1000]
# Optimizer step counters are int64 (int32 where the backend has no 64-bit types, as JAX).
STEP_DTYPES = ["int32", "float32"] + (
    ["int64"] if kcore.backend.get_backend().capabilities.float64 else []
)

# (id, class name, constructor arguments).
CASES = [
    ("exponential", "ExponentialDecay", dict(initial_learning_rate=0.1, decay_steps=10,
                                             decay_rate=0.9)),
    ("exponential_staircase", "ExponentialDecay", dict(initial_learning_rate=0.1, decay_steps=10,
                                                       decay_rate=0.5, staircase=True)),
    ("piecewise", "PiecewiseConstantDecay", dict(boundaries=[10, 100], values=[1.0, 0.5, 0.1])),
    ("piecewise_one", "PiecewiseConstantDecay", dict(boundaries=[5], values=[0.3, 0.2])),
    ("polynomial", "PolynomialDecay", dict(initial_learning_rate=0.1, decay_steps=100)),
    ("polynomial_power", "PolynomialDecay", dict(initial_learning_rate=0.1, decay_steps=50,
                                                 end_learning_rate=0.01, power=0.5)),
    ("polynomial_cycle", "PolynomialDecay", dict(initial_learning_rate=0.1, decay_steps=10,
                                                 power=2.0, cycle=True)),
    ("inverse_time", "InverseTimeDecay", dict(initial_learning_rate=0.1, decay_steps=10,
                                              decay_rate=0.5)),
    ("inverse_time_staircase", "InverseTimeDecay", dict(initial_learning_rate=0.1,
                                                        decay_steps=10, decay_rate=0.5,
                                                        staircase=True)),
    ("cosine", "CosineDecay", dict(initial_learning_rate=0.1, decay_steps=100)),
    ("cosine_alpha", "CosineDecay", dict(initial_learning_rate=0.1, decay_steps=100, alpha=0.1)),
    ("cosine_warmup", "CosineDecay", dict(initial_learning_rate=0.0, decay_steps=90,
                                          warmup_target=0.2, warmup_steps=10)),
    ("cosine_restarts", "CosineDecayRestarts", dict(initial_learning_rate=0.1,
                                                    first_decay_steps=10)),
    ("cosine_restarts_flat", "CosineDecayRestarts", dict(initial_learning_rate=0.1,
                                                         first_decay_steps=10, t_mul=1.0,
                                                         m_mul=0.5, alpha=0.1)),
]  # fmt: skip
CASE_IDS = [case[0] for case in CASES]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@pytest.mark.parametrize("step_dtype", STEP_DTYPES)
def test_matches_keras(case, step_dtype):
    _, class_name, arguments = case
    ours = getattr(kcore.optimizers.schedules, class_name)(**arguments)
    theirs = getattr(keras.optimizers.schedules, class_name)(**arguments)
    for step in STEPS:
        value = ops.convert_to_numpy(ours(ops.convert_to_tensor(step, dtype=step_dtype)))
        expected = np.asarray(theirs(np.asarray(step, dtype=step_dtype)))
        np.testing.assert_allclose(value, expected, rtol=RTOL, atol=1e-8, err_msg=f"step {step}")
        assert value.dtype == expected.dtype == np.float32


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_config_round_trip(case):
    _, class_name, arguments = case
    schedule = getattr(kcore.optimizers.schedules, class_name)(**arguments)
    config = schedule.get_config()
    assert config == getattr(keras.optimizers.schedules, class_name)(**arguments).get_config()
    assert type(schedule).from_config(config).get_config() == config
    serialized = kcore.saving.serialize_keras_object(schedule)
    assert serialized["module"] == "keras.optimizers.schedules"
    restored = kcore.saving.deserialize_keras_object(serialized, kind="schedules")
    assert type(restored) is type(schedule) and restored.get_config() == config


def test_keras_serialized_schedule_loads():
    theirs = keras.optimizers.schedules.CosineDecay(0.1, 100, warmup_target=0.5, warmup_steps=5)
    ours = kcore.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(theirs), kind="schedules"
    )
    assert type(ours).__name__ == "CosineDecay" and ours.get_config() == theirs.get_config()


def test_python_int_step():
    schedule = kcore.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    assert float(ops.convert_to_numpy(schedule(20))) == pytest.approx(0.025)


@pytest.mark.parametrize(
    "class_name, arguments, message",
    [
        ("ExponentialDecay", dict(initial_learning_rate=0.1, decay_steps=0, decay_rate=0.9),
         "decay_steps=0"),
        ("PolynomialDecay", dict(initial_learning_rate=0.1, decay_steps=-1), "decay_steps=-1"),
        ("InverseTimeDecay", dict(initial_learning_rate=0.1, decay_steps=0, decay_rate=0.5),
         "decay_steps"),
        ("CosineDecay", dict(initial_learning_rate=0.1, decay_steps=0), "decay_steps"),
        ("CosineDecayRestarts", dict(initial_learning_rate=0.1, first_decay_steps=0),
         "first_decay_steps=0"),
        ("PiecewiseConstantDecay", dict(boundaries=[1, 2], values=[0.1, 0.2]),
         "1 less than the length of values"),
    ],
)  # fmt: skip
def test_bad_arguments(class_name, arguments, message):
    with pytest.raises(ValueError, match=message):
        getattr(kcore.optimizers.schedules, class_name)(**arguments)


def test_base_class_needs_overrides():
    base = kcore.optimizers.schedules.LearningRateSchedule()
    with pytest.raises(NotImplementedError, match="__call__"):
        base(0)
    with pytest.raises(NotImplementedError, match="get_config"):
        base.get_config()


def test_custom_schedule_drives_an_optimizer():
    class Halving(kcore.optimizers.schedules.LearningRateSchedule):
        def __call__(self, step):
            return ops.divide(1.0, ops.power(2.0, ops.cast(step, "float32")))

        def get_config(self):
            return {}

    variable = kcore.Variable(np.zeros((2,), "float32"), name="w")
    optimizer = kcore.optimizers.SGD(learning_rate=Halving())
    for _ in range(3):
        optimizer.apply([ops.ones((2,))], [variable])
    np.testing.assert_allclose(variable.numpy(), [-1.75, -1.75], rtol=RTOL)
