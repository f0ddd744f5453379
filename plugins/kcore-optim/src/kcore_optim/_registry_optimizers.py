"""The optimizers and learning-rate schedules kcore-optim registers (lazy references only)."""

from __future__ import annotations

from kcore.records import OptimizerSpec, ScheduleSpec

_OPTIMIZERS = "kcore_optim.optimizers"
_SCHEDULES = "kcore_optim.schedules"

#: (class name, module, aliases): the aliases are Keras's lowercase names for ``compile``.
_OPTIMIZER_TABLE = (
    ("Optimizer", "base_optimizer", ()),
    ("SGD", "sgd", ("sgd",)),
    ("RMSprop", "rmsprop", ("rmsprop",)),
    ("Adam", "adam", ("adam",)),
    ("AdamW", "adamw", ("adamw",)),
    ("Adadelta", "adadelta", ("adadelta",)),
    ("Adagrad", "adagrad", ("adagrad",)),
    ("Adamax", "adamax", ("adamax",)),
    ("Nadam", "nadam", ("nadam",)),
    ("Ftrl", "ftrl", ("ftrl",)),
    ("Lion", "lion", ("lion",)),
    ("Adafactor", "adafactor", ("adafactor",)),
    ("LossScaleOptimizer", "loss_scale_optimizer", ("lossscaleoptimizer",)),
)

_SCHEDULE_TABLE = (
    ("LearningRateSchedule", "learning_rate_schedule"),
    ("ExponentialDecay", "exponential_decay"),
    ("PiecewiseConstantDecay", "piecewise_constant_decay"),
    ("PolynomialDecay", "polynomial_decay"),
    ("InverseTimeDecay", "inverse_time_decay"),
    ("CosineDecay", "cosine_decay"),
    ("CosineDecayRestarts", "cosine_decay_restarts"),
)


def optimizer_specs() -> list[OptimizerSpec]:
    """One ``OptimizerSpec`` per optimizer class."""
    return [
        OptimizerSpec(name, f"{_OPTIMIZERS}.{module}:{name}", aliases=aliases)
        for name, module, aliases in _OPTIMIZER_TABLE
    ]


def schedule_specs() -> list[ScheduleSpec]:
    """One ``ScheduleSpec`` per learning-rate schedule class."""
    return [ScheduleSpec(name, f"{_SCHEDULES}.{module}:{name}") for name, module in _SCHEDULE_TABLE]
