"""``Initializer``: the base class of every weight initializer."""

from __future__ import annotations

__all__ = ["Initializer"]


class Initializer:
    """Base class of initializers: callables ``initializer(shape, dtype=None) -> tensor``.

    Subclasses implement ``__call__`` and, when they take arguments, ``get_config``.

    Example::

        class Halves(kcore.initializers.Initializer):
            def __call__(self, shape, dtype=None):
                return kcore.ops.full(shape, 0.5, dtype=dtype)
    """

    def __call__(self, shape, dtype=None):
        raise NotImplementedError(
            f"{type(self).__name__} must implement `__call__(shape, dtype=None)`."
        )

    def get_config(self) -> dict:
        """The constructor arguments, JSON-friendly."""
        return {}

    @classmethod
    def from_config(cls, config: dict):
        """Rebuild the initializer from ``get_config()`` output."""
        return cls(**config)

    def clone(self):
        """A new initializer with the same config."""
        return type(self).from_config(self.get_config())

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"
