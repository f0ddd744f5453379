"""Turn user identifiers (names, config dicts, objects) into activations, initializers,
regularizers and constraints, the way Keras 3's ``<kind>.get`` does.

Names and dicts resolve only through kcore's registries (``deserialize_keras_object``), never by
importing a module named in a config.
"""

from __future__ import annotations

from kcore.saving import deserialize_keras_object

__all__ = ["activation", "initializer", "regularizer", "constraint", "is_linear"]


def _resolve(kind: str, identifier, argument: str):
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize_keras_object(identifier, kind=kind)
    if callable(identifier):
        return identifier
    raise ValueError(
        f"Could not interpret `{argument}`: expected a name, a config dict or a callable "
        f"{kind[:-1]}. Received: {argument}={identifier!r}"
    )


def activation(identifier, argument: str = "activation"):
    """The activation function for ``identifier``; ``None`` means ``linear`` (like Keras)."""
    if identifier is None:
        identifier = "linear"
    return _resolve("activations", identifier, argument)


def initializer(identifier, argument: str = "initializer"):
    """An initializer object (or callable) for ``identifier``, or ``None``."""
    return _resolve("initializers", identifier, argument)


def regularizer(identifier, argument: str = "regularizer"):
    """A regularizer object (or callable) for ``identifier``, or ``None``."""
    return _resolve("regularizers", identifier, argument)


def constraint(identifier, argument: str = "constraint"):
    """A constraint object (or callable) for ``identifier``, or ``None``."""
    return _resolve("constraints", identifier, argument)


def is_linear(fn) -> bool:
    """Whether ``fn`` is the identity activation, so ``call`` can skip it."""
    from kcore_layers import activations

    return fn is None or fn is activations.linear
