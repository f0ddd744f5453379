"""Dtype policies (``kcore.dtype_policies``): the compute and variable dtypes of a layer.

``"float32"`` computes and stores in float32; ``"mixed_float16"`` / ``"mixed_bfloat16"`` compute
in half precision and store variables in float32, like Keras 3.
"""

from __future__ import annotations

from kcore.backend.dtypes import standardize_dtype

__all__ = ["DTypePolicy", "get_policy", "set_dtype_policy", "dtype_policy"]

_global_policy = None


class DTypePolicy:
    """A layer's dtype policy.

    Args:
        name: a dtype (``"float32"``) or ``"mixed_float16"`` / ``"mixed_bfloat16"``; default
            ``kcore.config.floatx()``.
    """

    def __init__(self, name=None):
        if name is None:
            from kcore import config

            name = config.floatx()
        if not isinstance(name, str):
            raise TypeError(f"DTypePolicy: `name` must be a string. Received: name={name!r}")
        if name in ("mixed_float16", "mixed_bfloat16"):
            self._compute, self._variable = name.split("_", 1)[1], "float32"
        else:
            try:
                dtype = standardize_dtype(name)
            except ValueError:
                raise ValueError(
                    "DTypePolicy: `name` must be a dtype or 'mixed_float16' / 'mixed_bfloat16'. "
                    f"Received: name={name!r}"
                ) from None
            self._compute = self._variable = dtype
        self._name = name
        self.needs_cast = self._compute.startswith(("float", "bfloat"))

    @property
    def name(self) -> str:
        return self._name

    @property
    def compute_dtype(self) -> str:
        return self._compute

    @property
    def variable_dtype(self) -> str:
        return self._variable

    def get_config(self):
        return {"name": self._name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_config_for_layer(self):
        """The layer-config form Keras 3 writes for the ``dtype`` field."""
        return {
            "module": "keras",
            "class_name": "DTypePolicy",
            "config": {"name": self._name},
            "registered_name": None,
        }

    def __eq__(self, other):
        return isinstance(other, DTypePolicy) and other._name == self._name

    def __hash__(self):
        return hash(self._name)

    def __repr__(self):
        return f'<DTypePolicy "{self._name}">'


def get_policy(value) -> DTypePolicy:
    """A :class:`DTypePolicy` for ``value`` (None, a name, a policy, or a Keras policy config)."""
    if value is None:
        return _global_policy or DTypePolicy()
    if isinstance(value, DTypePolicy):
        return value
    if isinstance(value, dict):
        config = value.get("config", value)
        return DTypePolicy(config.get("name"))
    if isinstance(value, str):
        return DTypePolicy(value)
    return DTypePolicy(standardize_dtype(value))


def set_dtype_policy(policy) -> None:
    """Set the global policy used by layers created without ``dtype``."""
    global _global_policy
    _global_policy = get_policy(policy)


def dtype_policy() -> DTypePolicy:
    """The global policy."""
    return _global_policy or DTypePolicy()
