"""``kcore.models``: ``Model``, ``Sequential``, ``model_from_json``, ``clone_model``."""

from __future__ import annotations

import json

from kcore._functional import Functional
from kcore._model import Model
from kcore._sequential import Sequential

__all__ = ["Model", "Sequential", "Functional", "model_from_json", "clone_model"]


def model_from_json(json_string: str, custom_objects=None):
    """Rebuild a model (without weights) from ``model.to_json()`` output (Keras 3 format)."""
    from kcore.saving import deserialize_keras_object

    try:
        config = json.loads(json_string)
    except (TypeError, json.JSONDecodeError) as exc:
        raise ValueError(f"model_from_json: the string is not valid JSON: {exc}") from None
    return deserialize_keras_object(config, kind="layers", custom_objects=custom_objects)


def clone_model(model, input_tensors=None, clone_function=None, call_function=None, **kwargs):
    """A new model with the same architecture and freshly initialized weights.

    Args:
        model: a Sequential or Functional model.
        input_tensors: optional new ``kcore.Input`` tensors for a Functional model.
        clone_function: ``layer -> new layer``; default rebuilds each layer from its config.
        call_function: unsupported (raises) -- Keras uses it to rewire calls.
    """
    from kcore.saving import deserialize_keras_object, serialize_keras_object

    if call_function is not None:
        raise ValueError("clone_model: `call_function` is not supported by kcore yet.")
    if clone_function is None:

        def clone_function(layer):
            return type(layer).from_config(layer.get_config())

    if isinstance(model, Sequential):
        new = Sequential(name=model.name)
        if model._input_layer is not None and input_tensors is None:
            new.add(deserialize_keras_object(serialize_keras_object(model._input_layer)))
        elif input_tensors is not None:
            new.add(input_tensors)
        for layer in model.layers:
            new.add(clone_function(layer), rebuild=False)
        new._maybe_rebuild()
        return new
    if isinstance(model, Functional):
        new = Functional.from_config(model.get_config())
        if input_tensors is not None:
            return Model(inputs=input_tensors, outputs=new(input_tensors), name=model.name)
        return new
    raise ValueError(
        "clone_model: only Sequential and Functional models can be cloned; a subclassed model "
        f"must be re-instantiated from its class. Received: {type(model).__name__}"
    )
