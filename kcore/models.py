"""``kcore.models``: ``Model``, ``Sequential``, ``model_from_json``, ``clone_model``."""

from __future__ import annotations

import json

from kcore import tree
from kcore._functional import Functional, Input, InputLayer
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
        return _replay(model, clone_function, input_tensors)
    raise ValueError(
        "clone_model: only Sequential and Functional models can be cloned; a subclassed model "
        f"must be re-instantiated from its class. Received: {type(model).__name__}"
    )


def _replay(model, clone_function, input_tensors=None):
    """Re-run ``model``'s graph with cloned layers (shared layers stay shared)."""
    clones: dict[int, object] = {}
    new_tensors: dict[int, object] = {}
    if input_tensors is not None:
        flat_new = tree.flatten(input_tensors)
        if len(flat_new) != len(model.inputs):
            raise ValueError(
                f"clone_model: `input_tensors` has {len(flat_new)} tensors but the model has "
                f"{len(model.inputs)} inputs."
            )
        for old, new in zip(model.inputs, flat_new):
            new_tensors[id(old)] = new
    for node in model._nodes:
        layer = node.layer
        if isinstance(layer, InputLayer):
            for old in node.output_tensors:
                if id(old) not in new_tensors:
                    new_tensors[id(old)] = Input(
                        batch_shape=layer.batch_shape, dtype=layer.dtype, name=layer.name
                    )
            continue
        if id(layer) not in clones:
            clones[id(layer)] = clone_function(layer) if not hasattr(layer, "op") else layer
        new_layer = clones[id(layer)]

        def swap(value):
            return new_tensors.get(id(value), value)

        args = tree.map_structure(swap, list(node.args))
        kwargs = {k: tree.map_structure(swap, v) for k, v in node.kwargs.items() if k != "mask"}
        outputs = new_layer(*args, **kwargs)
        for old, new in zip(node.output_tensors, tree.flatten(outputs)):
            new_tensors[id(old)] = new

    def pick(struct):
        return tree.map_structure(lambda t: new_tensors[id(t)], struct)

    return Model(
        inputs=pick(model._inputs_struct), outputs=pick(model._outputs_struct), name=model.name
    )
