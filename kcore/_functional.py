"""The Functional API: ``Input``, ``InputLayer``, graph nodes and the ``Functional`` model.

Calling a layer on :class:`KerasTensor` inputs records a :class:`Node`; ``Functional(inputs,
outputs)`` walks the nodes back from the outputs, checks every path ends at one of the inputs,
orders the layers, and compiles an execution plan (a flat list of steps over numbered slots) so a
forward pass is a plain loop. The config format is Keras 3's (``layers`` with ``inbound_nodes``,
``input_layers``, ``output_layers``), so ``to_json`` output moves between Keras and kcore.
"""

from __future__ import annotations

import threading
from typing import Any

from kcore import tree
from kcore._layer import Layer, build_from_call, unique_name
from kcore._model import Model
from kcore._symbolic import KerasTensor
from kcore.backend.dtypes import standardize_dtype

__all__ = ["Input", "InputLayer", "Functional", "Node", "OpLayer", "symbolic_layer_call"]


class Node:
    """One call of a layer on symbolic inputs."""

    __slots__ = ("layer", "args", "kwargs", "outputs", "input_tensors", "output_tensors")

    def __init__(self, layer, args, kwargs, outputs):
        self.layer = layer
        self.args = args
        self.kwargs = kwargs
        self.outputs = outputs
        self.input_tensors = [t for t in tree.flatten((args, kwargs)) if isinstance(t, KerasTensor)]
        self.output_tensors = [t for t in tree.flatten(outputs) if isinstance(t, KerasTensor)]
        node_index = len(layer._inbound_nodes)
        for index, tensor in enumerate(self.output_tensors):
            tensor._history = (self, node_index, index)
        layer._inbound_nodes.append(self)

    @property
    def parent_nodes(self):
        return [t._history[0] for t in self.input_tensors if t._history is not None]


_recording = threading.local()


def recording_ops() -> bool:
    """Whether a ``kcore.ops`` call on graph tensors should become a graph node right now.

    False while a layer infers its own output spec (its internal ops are not graph nodes).
    """
    return getattr(_recording, "depth", 0) == 0


class _NoRecording:
    def __enter__(self):
        _recording.depth = getattr(_recording, "depth", 0) + 1

    def __exit__(self, *exc):
        _recording.depth -= 1


class OpLayer(Layer):
    """A ``kcore.ops`` call made on Functional-graph tensors (``ops.add(x, y)``), as a layer."""

    def __init__(self, op, name=None, **kwargs):
        from kcore import ops

        if not hasattr(ops, op):
            raise ValueError(f"OpLayer: unknown kcore.ops function {op!r}.")
        super().__init__(name=name or unique_name(op), **kwargs)
        self.op = op
        self._fn = getattr(ops, op)
        self.built = True

    def call(self, *args, **kwargs):
        return self._fn(*args, **kwargs)

    def compute_output_spec(self, *args, **kwargs):
        return self._fn(*args, **kwargs)

    def get_config(self):
        return {"op": self.op, "name": self.name}


def record_op(name, args, kwargs, outputs):
    """Make the symbolic op call ``name(*args, **kwargs)`` a node of the Functional graph."""
    tensors = [t for t in tree.flatten((list(args), kwargs)) if isinstance(t, KerasTensor)]
    if not any(t._history is not None for t in tensors):
        return outputs
    layer = OpLayer(name)
    Node(layer, tuple(args), dict(kwargs), outputs)
    return outputs


def symbolic_layer_call(layer: Layer, args, kwargs):
    """Call ``layer`` on symbolic inputs: build it, infer outputs, record a Node."""
    with _NoRecording():
        return _symbolic_layer_call(layer, args, kwargs)


def _symbolic_layer_call(layer: Layer, args, kwargs):
    first = args[0] if args else next(iter(kwargs.values()))
    if not layer.built:
        layer._check_input_spec(first)
        build_from_call(layer, args, kwargs, lambda t: t.shape if isinstance(t, KerasTensor) else t)
        layer.built = True
    else:
        layer._check_input_spec(first)
    # Implicit masks (the inputs' `_mask`) go to the call but not into the Node: the executor
    # recomputes them from the real inputs on every run.
    call_kwargs = dict(kwargs)
    if layer._call_has_mask and kwargs.get("mask") is None:
        masks = [getattr(t, "_mask", None) for t in tree.flatten(first)]
        if any(m is not None for m in masks):
            call_kwargs["mask"] = masks[0] if len(masks) == 1 else masks
    for name, value in _mask_arguments(layer, args, kwargs):
        mask = _symbolic_mask(value)
        if mask is not None:
            call_kwargs[f"{name}_mask"] = mask
    if not layer._call_has_mask:
        call_kwargs.pop("mask", None)
    outputs = layer.compute_output_spec(*args, **call_kwargs)
    inputs_flat = {id(t) for t in tree.flatten(args)}
    outputs = tree.map_structure(
        lambda t: KerasTensor(t.shape, t.dtype, t.sparse) if id(t) in inputs_flat else t, outputs
    )
    Node(layer, args, kwargs, outputs)
    if layer.supports_masking or type(layer).compute_mask is not Layer.compute_mask:
        previous = call_kwargs.get("mask", kwargs.get("mask"))
        if previous is None:
            flat = [getattr(t, "_mask", None) for t in tree.flatten(first)]
            previous = (
                flat[0] if len(flat) == 1 else (flat if any(m is not None for m in flat) else None)
            )
        mask = layer.compute_mask(first, previous)
        if mask is not None:
            out_flat = tree.flatten(outputs)
            masks = (
                tree.flatten(mask) if isinstance(mask, (list, tuple)) else [mask] * len(out_flat)
            )
            for t, m in zip(out_flat, masks):
                if isinstance(t, KerasTensor):
                    t._mask = m
    return outputs


def _mask_arguments(layer, args, kwargs):
    """``(name, value)`` of the call arguments with a ``<name>_mask`` argument left unset.

    As in Keras 3: ``call(self, query, value, query_mask=None, value_mask=None)`` receives the
    masks of ``query`` and ``value`` when the caller does not pass them.
    """
    params = layer._call_signature.parameters
    names = [n for n in params if f"{n}_mask" in params]
    if not names:
        return []
    try:
        bound = layer._call_signature.bind_partial(*args, **kwargs).arguments
    except TypeError:
        return []
    return [
        (n, bound[n]) for n in names if bound.get(n) is not None and bound.get(f"{n}_mask") is None
    ]


def _symbolic_mask(value):
    if isinstance(value, KerasTensor):
        return value._mask
    flat = [getattr(t, "_mask", None) for t in tree.flatten(value)]
    return flat if any(m is not None for m in flat) else None


class InputLayer(Layer):
    """The layer behind ``kcore.Input``: it holds the shape and dtype of a model input.

    Args:
        shape: shape without the batch dim.
        batch_size: optional fixed batch size.
        dtype: input dtype (default floatx).
        sparse: whether the input is sparse.
        batch_shape: full shape including the batch dim (alternative to ``shape``).
        input_tensor: an existing KerasTensor to wrap.
        optional: whether the input may be ``None``.
        name: the layer (and input) name.
    """

    def __init__(
        self,
        shape=None,
        batch_size=None,
        dtype=None,
        sparse=None,
        batch_shape=None,
        input_tensor=None,
        optional=False,
        name=None,
        **kwargs,
    ):
        if "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        if kwargs.pop("ragged", False):  # Keras 3 writes `ragged: false` in every config
            raise ValueError(
                "InputLayer: ragged inputs are not supported by kcore. Received: ragged=True. "
                "Pad the sequences (with a mask) instead."
            )
        super().__init__(name=name or unique_name("input_layer"), **kwargs)
        if shape is not None and batch_shape is not None:
            raise ValueError(
                "InputLayer: pass either `shape` or `batch_shape`, not both. Received: "
                f"shape={shape}, batch_shape={batch_shape}"
            )
        if input_tensor is not None:
            if not isinstance(input_tensor, KerasTensor):
                raise TypeError(
                    f"InputLayer: `input_tensor` must be a KerasTensor. Received: {input_tensor!r}"
                )
            batch_shape = input_tensor.shape
            dtype = dtype or input_tensor.dtype
        if batch_shape is None:
            if shape is None:
                raise ValueError(
                    "You must pass a `shape` argument to Input (the shape without the batch "
                    "dim, e.g. shape=(784,))."
                )
            if isinstance(shape, int):
                shape = (shape,)
            batch_shape = (batch_size, *tuple(shape))
        try:
            batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        except (TypeError, ValueError):
            raise ValueError(
                f"Input: `shape` must be a tuple of ints or None. Received: {batch_shape!r}"
            ) from None
        self._batch_shape = batch_shape
        self._dtype_arg = standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.optional = optional
        self.built = True
        tensor = input_tensor or KerasTensor(
            batch_shape, self._dtype_arg, self.sparse, name=self.name
        )
        Node(self, (), {}, tensor)
        self.output = tensor

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def dtype(self):
        return self._dtype_arg

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            "batch_shape": list(self._batch_shape),
            "dtype": self._dtype_arg,
            "sparse": self.sparse,
            "name": self.name,
            "optional": self.optional,
        }


def Input(  # noqa: N802 - Keras's name
    shape=None,
    batch_size=None,
    dtype=None,
    sparse=None,
    batch_shape=None,
    name=None,
    tensor=None,
    optional=False,
):
    """A symbolic model input: ``x = kcore.Input(shape=(784,))``.

    Args:
        shape: shape without the batch dim (``None`` dims allowed).
        batch_size: optional fixed batch size.
        dtype: dtype (default floatx).
        sparse: whether the input is sparse.
        batch_shape: the full shape, batch dim included.
        name: a name, unique within the model.
        tensor: an existing KerasTensor to wrap.
        optional: whether ``None`` may be passed for it.
    """
    layer = InputLayer(
        shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        sparse=sparse,
        batch_shape=batch_shape,
        name=name,
        input_tensor=tensor,
        optional=optional,
    )
    return layer.output


def _walk(outputs_flat, inputs_flat):
    """Nodes in execution order and layers in Keras order; validates the graph."""
    input_ids = {id(t) for t in inputs_flat}
    order: list[Node] = []
    visited: set[int] = set()
    depth: dict[int, int] = {}

    def visit(tensor, level, path):
        history = tensor._history if isinstance(tensor, KerasTensor) else None
        if history is None:
            raise ValueError(
                "Functional model: an output is not derived from the model's inputs: it depends "
                f"on {tensor!r}, which no layer produced. Every path must start at a "
                "kcore.Input passed in `inputs`."
            )
        node = history[0]
        depth[id(node)] = max(depth.get(id(node), 0), level)
        if id(tensor) in input_ids:
            if id(node) not in visited:
                visited.add(id(node))
                order.append(node)
            return
        if isinstance(node.layer, InputLayer):
            raise ValueError(
                f'Functional model: the outputs depend on the input "{node.layer.name}" '
                f"(shape {node.layer.batch_shape}), which is not in `inputs`. Pass every "
                "kcore.Input the outputs need."
            )
        if id(node) in path:
            raise ValueError("Functional model: the layer graph has a cycle.")
        for parent in node.input_tensors:
            visit(parent, level + 1, path | {id(node)})
        if id(node) not in visited:
            visited.add(id(node))
            order.append(node)

    for out in outputs_flat:
        visit(out, 0, frozenset())
    return order, depth


class Functional(Model):
    """A model defined by a graph of layers: ``Functional(inputs, outputs)``.

    Normally created through ``kcore.Model(inputs=..., outputs=...)``.
    """

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        self._init_trainer_state()
        Layer.__init__(self, name=name or unique_name("functional"), trainable=trainable, **kwargs)
        self._tracking = False
        self._init_graph(inputs, outputs)
        self._tracking = True

    def _init_graph(self, inputs, outputs):
        for label, struct in (("inputs", inputs), ("outputs", outputs)):
            flat = tree.flatten(struct)
            if not flat:
                raise ValueError(f"Functional model: `{label}` is empty.")
            bad = [t for t in flat if not isinstance(t, KerasTensor)]
            if bad:
                raise TypeError(
                    f"Functional model: all `{label}` must be KerasTensors (from kcore.Input or "
                    f"layer calls on them). Received: {bad[0]!r}"
                )
        if isinstance(inputs, dict):
            self._input_names = list(inputs)
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self.inputs = tree.flatten(inputs)
        self.outputs = tree.flatten(outputs)
        nodes, depth = _walk(self.outputs, self.inputs)
        self._nodes = nodes
        layers: list[Layer] = []
        seen: set[int] = set()
        # Keras order: depth-first from the outputs, parents in argument order (post-order).
        for node in nodes:
            if id(node.layer) not in seen:
                seen.add(id(node.layer))
                layers.append(node.layer)
        for t in self.inputs:  # inputs no output depends on still belong to the model
            layer = t._history[0].layer
            if id(layer) not in seen:
                seen.add(id(layer))
                layers.insert(0, layer)
        names = [layer.name for layer in layers]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(
                f"Functional model: layer names must be unique. Duplicated: {duplicates}. "
                "Give those layers distinct `name=` arguments."
            )
        self._layers = layers
        self._compile_plan()
        self.built = True

    def _compile_plan(self):
        slots: dict[int, int] = {}
        for i, t in enumerate(self.inputs):
            slots[id(t)] = i
        steps = []
        n = len(self.inputs)
        for node in self._nodes:
            if isinstance(node.layer, InputLayer):
                continue
            for t in node.output_tensors:
                if id(t) not in slots:
                    slots[id(t)] = n
                    n += 1
            args_t = _template(list(node.args), slots)
            kwargs_t = {k: _template(v, slots) for k, v in node.kwargs.items()}
            out_slots = [slots[id(t)] for t in node.output_tensors]
            simple = (
                len(node.args) == 1
                and isinstance(node.args[0], KerasTensor)
                and not node.kwargs
                and len(out_slots) == 1
                and isinstance(node.outputs, KerasTensor)
            )
            steps.append((node, args_t, kwargs_t, out_slots, simple))
        self._steps = steps
        self._n_slots = n
        self._output_slots = [slots[id(t)] for t in self.outputs]

    # -- running ---------------------------------------------------------------------------------
    def call(self, inputs, training=None, mask=None):
        return self._run(inputs, training=training, mask=mask, symbolic=False)

    def _flatten_inputs(self, inputs):
        if isinstance(self._inputs_struct, dict):
            if not isinstance(inputs, dict):
                if isinstance(inputs, (list, tuple)) and len(inputs) == len(self.inputs):
                    return list(inputs)
                raise ValueError(
                    f'Model "{self.name}" expects a dict of inputs with keys '
                    f"{list(self._inputs_struct)}. Received: {type(inputs).__name__}"
                )
            missing = [k for k in self._inputs_struct if k not in inputs]
            if missing:
                raise ValueError(
                    f'Model "{self.name}" is missing inputs {missing}; expected keys '
                    f"{list(self._inputs_struct)}, received {list(inputs)}."
                )
            return [inputs[k] for k in sorted(self._inputs_struct)]
        flat = (
            [inputs]
            if len(self.inputs) == 1 and not isinstance(inputs, (list, tuple, dict))
            else tree.flatten(inputs)
        )
        if isinstance(inputs, dict) and len(self.inputs) > 0:
            names = [t._history[0].layer.name for t in self.inputs]
            if all(n in inputs for n in names):
                flat = [inputs[n] for n in names]
        if len(flat) != len(self.inputs):
            raise ValueError(
                f'Model "{self.name}" expects {len(self.inputs)} input(s), received {len(flat)}.'
            )
        return flat

    def _run(self, inputs, training=None, mask=None, symbolic=False):
        values: list[Any] = [None] * self._n_slots
        flat = self._flatten_inputs(inputs)
        from kcore import ops

        for i, (x, spec) in enumerate(zip(flat, self.inputs)):
            if not symbolic and x is not None and not ops.is_tensor(x):
                dtype = spec.dtype
                x = ops.convert_to_tensor(x, dtype=dtype)
            values[i] = x
        if mask is not None:
            masks_flat = tree.flatten(mask) if isinstance(mask, (list, tuple)) else [mask]
        else:
            masks_flat = None
        masks: dict[int, Any] = {}
        if masks_flat:
            for i, m in enumerate(masks_flat):
                if m is not None:
                    masks[i] = m
        for node, args_t, kwargs_t, out_slots, simple in self._steps:
            layer = node.layer
            has_mask_flow = (
                bool(masks) or getattr(node.output_tensors[0], "_mask", None) is not None
            )
            if simple and not has_mask_flow:
                x = values[args_t[0].index]
                if symbolic:
                    values[out_slots[0]] = layer.compute_output_spec(x)
                elif layer._call_has_training and training is not None:
                    values[out_slots[0]] = layer(x, training=training)
                else:
                    values[out_slots[0]] = layer(x)
                continue
            args = _fill(args_t, values)
            kwargs = {k: _fill(v, values) for k, v in kwargs_t.items()}
            if layer._call_has_training and training is not None and "training" not in kwargs:
                kwargs["training"] = training
            previous = self._input_masks(node, args_t, masks)
            if previous is not None and layer._call_has_mask and kwargs.get("mask") is None:
                kwargs["mask"] = previous
            if masks:
                for name, template in _mask_arguments(layer, args_t, kwargs_t):
                    found = [masks.get(s.index) for s in _leaves(template)]
                    if any(m is not None for m in found):
                        single = isinstance(template, _Slot)
                        kwargs[f"{name}_mask"] = found[0] if single else found
            if symbolic:
                outputs = layer.compute_output_spec(*args, **kwargs)
            else:
                outputs = layer(*args, **kwargs)
            out_flat = [o for o in tree.flatten(outputs)]
            for slot, value in zip(out_slots, out_flat):
                values[slot] = value
            if layer.supports_masking or type(layer).compute_mask is not Layer.compute_mask:
                first = args[0] if args else None
                out_mask = layer.compute_mask(first, previous)
                if out_mask is not None:
                    out_masks = (
                        out_mask
                        if isinstance(out_mask, (list, tuple))
                        else [out_mask] * len(out_slots)
                    )
                    for slot, m in zip(out_slots, out_masks):
                        masks[slot] = m
                else:
                    for slot in out_slots:
                        masks.pop(slot, None)
        outs = [values[s] for s in self._output_slots]
        return tree.pack_sequence_as(self._outputs_struct, outs)

    @staticmethod
    def _input_masks(node, args_t, masks):
        if not masks or not args_t:
            return None
        first = args_t[0]
        slots = [s.index for s in _leaves(first)]
        found = [masks.get(s) for s in slots]
        if not any(m is not None for m in found):
            return None
        return found[0] if len(found) == 1 else found

    def compute_output_spec(self, inputs, training=None, mask=None):
        return self._run(inputs, training=training, mask=mask, symbolic=True)

    def build(self, input_shape=None):
        self.built = True

    # -- introspection ---------------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        return list(self._layers)

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    @property
    def input_shape(self):
        shapes = [t.shape for t in self.inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    def get_layer(self, name=None, index=None) -> Layer:
        """A layer by ``name`` or by ``index`` (in ``layers`` order)."""
        if index is not None and name is not None:
            raise ValueError("get_layer: provide only `name` or `index`, not both.")
        if index is not None:
            if not -len(self._layers) <= index < len(self._layers):
                raise ValueError(
                    f"get_layer: index {index} is out of range; the model has "
                    f"{len(self._layers)} layers."
                )
            return self._layers[index]
        for layer in self._layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f"No such layer: {name}. Existing layers are: {[layer.name for layer in self._layers]}."
        )

    # -- config ----------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        from kcore.saving import serialize_keras_object

        node_ids = {}
        for layer in self._layers:
            for i, node in enumerate(layer._inbound_nodes):
                node_ids[id(node)] = i
        kept = {id(n) for n in self._nodes}
        layer_configs = []
        for layer in self._layers:
            entry = serialize_keras_object(layer)
            entry["name"] = layer.name
            inbound = []
            for node in layer._inbound_nodes:
                if id(node) not in kept or isinstance(layer, InputLayer):
                    continue
                inbound.append(
                    {
                        "args": _serialize_struct(list(node.args), node_ids),
                        "kwargs": _serialize_struct(
                            {k: v for k, v in node.kwargs.items() if k != "mask"}, node_ids
                        ),
                    }
                )
            entry["inbound_nodes"] = inbound
            layer_configs.append(entry)

        def refs(struct):
            def ref(t):
                node, _, index = t._history
                return [node.layer.name, node_ids[id(node)], index]

            if isinstance(struct, dict):
                return {k: ref(v) for k, v in struct.items()}
            if isinstance(struct, (list, tuple)):
                return [ref(t) for t in tree.flatten(struct)]
            return [ref(struct)]

        return {
            "name": self.name,
            "trainable": self.trainable,
            "layers": layer_configs,
            "input_layers": refs(self._inputs_struct),
            "output_layers": refs(self._outputs_struct),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return functional_from_config(cls, config, custom_objects)


class _Slot:
    """Where a graph tensor's value lives in the plan's value list."""

    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index


def _template(struct, slots):
    if isinstance(struct, KerasTensor):
        return _Slot(slots[id(struct)])
    if isinstance(struct, list):
        return [_template(v, slots) for v in struct]
    if isinstance(struct, tuple):
        return tuple(_template(v, slots) for v in struct)
    if isinstance(struct, dict):
        return {k: _template(v, slots) for k, v in struct.items()}
    return struct


def _leaves(template):
    if isinstance(template, _Slot):
        return [template]
    out = []
    if isinstance(template, dict):
        for v in template.values():
            out.extend(_leaves(v))
    elif isinstance(template, (list, tuple)):
        for v in template:
            out.extend(_leaves(v))
    return out


def _fill(template, values):
    if isinstance(template, _Slot):
        return values[template.index]
    if isinstance(template, list):
        return [_fill(v, values) for v in template]
    if isinstance(template, tuple):
        return tuple(_fill(v, values) for v in template)
    if isinstance(template, dict):
        return {k: _fill(v, values) for k, v in template.items()}
    return template


def _serialize_struct(struct, node_ids):
    if isinstance(struct, KerasTensor):
        node, _, index = struct._history
        return {
            "class_name": "__keras_tensor__",
            "config": {
                "shape": list(struct.shape),
                "dtype": struct.dtype,
                "keras_history": [node.layer.name, node_ids[id(node)], index],
            },
        }
    if isinstance(struct, dict):
        return {k: _serialize_struct(v, node_ids) for k, v in struct.items()}
    if isinstance(struct, (list, tuple)):
        return [_serialize_struct(v, node_ids) for v in struct]
    return struct


def functional_from_config(cls, config, custom_objects=None):
    """Rebuild a Functional model (or subclass ``cls``) from its Keras-format config."""
    from kcore.saving import deserialize_keras_object

    created: dict[str, Layer] = {}
    outputs_by_node: dict[tuple[str, int], Any] = {}
    pending = []
    for entry in config["layers"]:
        layer = deserialize_keras_object(
            {k: v for k, v in entry.items() if k not in ("inbound_nodes", "name")},
            kind="layers",
            custom_objects=custom_objects,
        )
        created[entry["name"]] = layer
        if isinstance(layer, InputLayer):
            outputs_by_node[(layer.name, 0)] = layer.output
        else:
            for node_data in entry.get("inbound_nodes", []):
                pending.append((layer, node_data))

    def resolve(struct):
        if isinstance(struct, dict) and struct.get("class_name") == "__keras_tensor__":
            name, node_index, tensor_index = struct["config"]["keras_history"]
            key = (name, node_index)
            if key not in outputs_by_node:
                raise KeyError(key)
            return tree.flatten(outputs_by_node[key])[tensor_index]
        if isinstance(struct, dict):
            return {k: resolve(v) for k, v in struct.items()}
        if isinstance(struct, list):
            return [resolve(v) for v in struct]
        return struct

    counts: dict[str, int] = {}
    progress = True
    while pending and progress:
        progress = False
        remaining = []
        for layer, node_data in pending:
            try:
                args = resolve(node_data.get("args", []))
                kwargs = resolve(node_data.get("kwargs", {}))
            except KeyError:
                remaining.append((layer, node_data))
                continue
            outputs = layer(*args, **kwargs)
            index = counts.get(layer.name, 0)
            counts[layer.name] = index + 1
            outputs_by_node[(layer.name, index)] = outputs
            progress = True
        pending = remaining
    if pending:
        raise ValueError(
            "Cannot rebuild the functional model: the config's layer graph references layers "
            f"or nodes that do not exist ({[layer.name for layer, _ in pending]})."
        )

    def pick(refs):
        if isinstance(refs, dict):
            return {k: pick([v])[0] for k, v in refs.items()}
        if refs and not isinstance(refs[0], list):
            refs = [refs]
        return [tree.flatten(outputs_by_node[(n, i)])[t] for n, i, t in refs]

    inputs = pick(config["input_layers"])
    outputs = pick(config["output_layers"])
    if isinstance(inputs, list) and len(inputs) == 1:
        inputs = inputs[0]
    if isinstance(outputs, list) and len(outputs) == 1:
        outputs = outputs[0]
    model = cls(inputs=inputs, outputs=outputs, name=config.get("name"))
    if "trainable" in config:
        model.trainable = config["trainable"]
    return model
