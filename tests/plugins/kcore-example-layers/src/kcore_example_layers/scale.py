"""``ExampleScale``: multiplies its input by a constant, through ``kcore.ops``."""

from kcore import ops


class ExampleScale:
    """Multiply inputs by ``factor``.

    Args:
        factor: the constant to multiply by.
    """

    def __init__(self, factor=2.0):
        self.factor = float(factor)

    def __call__(self, inputs):
        return ops.multiply(inputs, self.factor)

    def get_config(self):
        return {"factor": self.factor}
