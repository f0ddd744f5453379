"""``kcore.Sequential``: a linear stack of layers, a Functional graph built incrementally.

With an input shape known (an ``Input``/``InputLayer`` first, or ``input_shape=`` on the first
layer) the graph is built as layers are added; otherwise it is built on the first call, from the
data's shape (deferred build), like Keras 3.
"""

from __future__ import annotations

from kcore._functional import Functional, Input, InputLayer
from kcore._layer import Layer, unique_name
from kcore._model import Model
from kcore._symbolic import KerasTensor

__all__ = ["Sequential"]


class Sequential(Model):
    """A plain stack of layers, each with one input and one output.

    Args:
        layers: optional list of layers to add.
        trainable: whether the model's weights are trainable.
        name: the model name.

    Example::

        model = kcore.Sequential([kcore.Input(shape=(784,)), kcore.layers.Dense(10)])
    """

    def __init__(self, layers=None, trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name or unique_name("sequential"), **kwargs)
        self._tracking = False
        self._stack: list[Layer] = []
        self._input_layer: InputLayer | None = None
        self._functional: Functional | None = None
        self._tracking = True
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    def add(self, layer, rebuild=True):
        """Append ``layer`` (a Layer, or a ``kcore.Input`` tensor / InputLayer to fix the shape)."""
        if isinstance(layer, KerasTensor):
            history = layer._history
            if history is None or not isinstance(history[0].layer, InputLayer):
                raise TypeError(
                    f'Sequential "{self.name}": only a tensor made by kcore.Input can be added. '
                    f"Received: {layer!r}"
                )
            layer = history[0].layer
        if not isinstance(layer, Layer):
            raise TypeError(
                f'Only instances of `kcore.Layer` can be added to a Sequential model "{self.name}". '
                f"Received: {layer!r} (of type {type(layer).__name__})"
            )
        if isinstance(layer, InputLayer):
            if self._input_layer is not None or self._stack:
                raise ValueError(
                    f'Sequential "{self.name}": an InputLayer can only be the first layer. '
                    "Create a new model, or pop() the existing layers first."
                )
            object.__setattr__(self, "_input_layer", layer)
        else:
            names = [existing.name for existing in self._stack]
            if layer.name in names:
                raise ValueError(
                    f'Sequential "{self.name}": all layers must have unique names; a layer '
                    f'named "{layer.name}" was already added. Pass a distinct `name=`.'
                )
            self._stack.append(layer)
            self._track(layer)
        if rebuild:
            self._maybe_rebuild()

    def pop(self, rebuild=True) -> Layer:
        """Remove and return the last layer."""
        if not self._stack:
            raise IndexError(f'Sequential "{self.name}" has no layers to pop.')
        layer = self._stack.pop()
        self._layers = [existing for existing in self._layers if existing is not layer]
        self._functional = None
        self.built = False
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _maybe_rebuild(self):
        if self._input_layer is None and self._stack:
            shape = self._stack[0]._batch_input_shape
            if shape is not None:
                dtype = self._stack[0]._input_dtype_arg
                layer = Input(batch_shape=shape, dtype=dtype)._history[0].layer
                object.__setattr__(self, "_input_layer", layer)
        if self._input_layer is not None and self._stack:
            self._build_graph(self._input_layer.output)

    def _build_graph(self, inputs):
        x = inputs
        for layer in self._stack:
            try:
                x = layer(x)
            except Exception as exc:
                raise type(exc)(
                    f'Sequential "{self.name}": layer "{layer.name}" cannot take the output of '
                    f"the previous layer (shape {getattr(x, 'shape', None)}): {exc}"
                ) from exc
        functional = Functional.__new__(Functional, inputs, x)
        Functional.__init__(functional, inputs, x, name=self.name + "_graph")
        object.__setattr__(self, "_functional", functional)  # internal, not a tracked sub-layer
        self.built = True

    @property
    def layers(self) -> list[Layer]:
        """The added layers (without the InputLayer, as in Keras 3)."""
        return list(self._stack)

    def build(self, input_shape=None):
        """Build the graph for ``input_shape`` (batch dim included)."""
        if self._functional is not None:
            return
        if input_shape is None:
            raise ValueError(
                f'Sequential "{self.name}": cannot build without an input shape. Add a '
                "kcore.Input first, pass `input_shape=` to the first layer, or call the model on "
                "data."
            )
        if not self._stack:
            raise ValueError(f'Sequential "{self.name}" has no layers; add some before building.')
        layer = Input(batch_shape=tuple(input_shape))._history[0].layer
        object.__setattr__(self, "_input_layer", layer)
        self._build_graph(self._input_layer.output)

    def __call__(self, *args, **kwargs):
        if self._functional is None and args:
            x = args[0]
            shape = getattr(x, "shape", None)
            if shape is not None:
                self.build((None, *tuple(shape)[1:]))
        return super().__call__(*args, **kwargs)

    def call(self, inputs, training=None, mask=None):
        if self._functional is None:
            raise ValueError(f'Sequential "{self.name}" is empty or has no input shape yet.')
        return self._functional._run(inputs, training=training, mask=mask)

    def compute_output_spec(self, inputs, training=None, mask=None):
        if self._functional is None:
            self.build(inputs.shape)
        return self._functional._run(inputs, training=training, mask=mask, symbolic=True)

    @property
    def inputs(self):
        return self._functional.inputs if self._functional else None

    @property
    def outputs(self):
        return self._functional.outputs if self._functional else None

    @property
    def input_shape(self):
        if self._input_layer is None:
            raise AttributeError(f'Sequential "{self.name}" has no defined input shape yet.')
        return self._input_layer.batch_shape

    @property
    def output_shape(self):
        if self._functional is None:
            raise AttributeError(f'Sequential "{self.name}" is not built yet.')
        return self._functional.output_shape

    def get_config(self):
        from kcore.saving import serialize_keras_object

        layers = []
        if self._input_layer is not None:
            layers.append(serialize_keras_object(self._input_layer))
        layers.extend(serialize_keras_object(layer) for layer in self._stack)
        config = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": self.dtype_policy.get_config_for_layer(),
            "layers": layers,
        }
        if self._input_layer is not None:
            config["build_input_shape"] = list(self._input_layer.batch_shape)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from kcore.saving import deserialize_keras_object

        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in config.get("layers", []):
            layer = deserialize_keras_object(
                layer_config, kind="layers", custom_objects=custom_objects
            )
            model.add(layer, rebuild=False)
        model._maybe_rebuild()
        shape = config.get("build_input_shape")
        if model._functional is None and shape is not None:
            model.build(tuple(shape))
        return model
