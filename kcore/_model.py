"""``kcore.Model``: a layer with training, evaluation, saving and summary.

``Model(inputs=..., outputs=...)`` returns a Functional model; subclass ``Model`` and define
``call`` (and optionally ``build``) for imperative models. The training methods arrive with the
trainer; this class holds what every kind of model shares.
"""

from __future__ import annotations

from kcore._layer import Layer
from kcore._symbolic import KerasTensor
from kcore.trainers.trainer import Trainer

__all__ = ["Model"]


class Model(Trainer, Layer):
    """A model: a layer with ``layers``, ``summary()`` and (with the trainer) ``fit``.

    Example (subclassing)::

        class MLP(kcore.Model):
            def __init__(self):
                super().__init__()
                self.hidden = kcore.layers.Dense(64, activation="relu")
                self.out = kcore.layers.Dense(10)

            def call(self, inputs, training=False):
                return self.out(self.hidden(inputs))
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and (len(args) >= 2 or "inputs" in kwargs or "outputs" in kwargs):
            from kcore._functional import Functional

            return Functional.__new__(Functional, *args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if args or "inputs" in kwargs or "outputs" in kwargs:
            raise TypeError(
                f"{type(self).__name__}: a subclassed Model cannot be built from `inputs` / "
                "`outputs`; call `kcore.Model(inputs=..., outputs=...)` for a functional model, "
                "or define `call` in your subclass."
            )
        self._init_trainer_state()
        super().__init__(**kwargs)

    @property
    def layers(self) -> list[Layer]:
        """The model's direct sub-layers, in the order they were assigned."""
        return list(self._layers)

    def build(self, input_shape=None):
        """Create the weights by running ``call`` on a symbolic input of ``input_shape``."""
        if type(self).call is Model.call or input_shape is None:
            self.built = True
            return
        if (
            isinstance(input_shape, (list, tuple))
            and input_shape
            and isinstance(input_shape[0], (list, tuple))
        ):
            inputs = [KerasTensor(tuple(s)) for s in input_shape]
        elif isinstance(input_shape, dict):
            inputs = {k: KerasTensor(tuple(s)) for k, s in input_shape.items()}
        else:
            inputs = KerasTensor(tuple(input_shape))
        self.built = True
        try:
            self.call(inputs)
        except Exception as exc:
            self.built = False
            raise ValueError(
                f'Model "{self.name}": could not build from input_shape={input_shape}: '
                f"{type(exc).__name__}: {exc}. Call the model on real data instead, or override "
                "`build()`."
            ) from exc
        self._build_shapes = input_shape

    def get_layer(self, name=None, index=None) -> Layer:
        """A direct sub-layer by ``name`` or ``index``."""
        layers = self.layers
        if index is not None:
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f"No such layer: {name}. Existing layers are: {[layer.name for layer in layers]}."
        )

    def summary(
        self,
        line_length=None,
        positions=None,
        print_fn=None,
        expand_nested=False,
        show_trainable=False,
        layer_range=None,
    ):
        """Print Keras's summary table: layer (type), output shape, param #, totals."""
        from kcore._summary import print_summary

        print_summary(
            self,
            line_length=line_length,
            positions=positions,
            print_fn=print_fn,
            expand_nested=expand_nested,
            show_trainable=show_trainable,
            layer_range=layer_range,
        )

    def to_json(self, **kwargs) -> str:
        """The model's architecture as a JSON string (Keras 3 format)."""
        import json

        from kcore.saving import serialize_keras_object

        return json.dumps(serialize_keras_object(self), **kwargs)

    def get_config(self):
        config = super().get_config()
        config.pop("batch_input_shape", None)
        return config
