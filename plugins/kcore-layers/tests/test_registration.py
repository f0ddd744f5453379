"""What kcore-layers registers, and that registering imports nothing heavy."""

from __future__ import annotations

import subprocess
import sys

import kcore
from kcore import plugins

LAYERS = {
    "Dense", "EinsumDense", "Embedding", "Activation", "Dropout", "Flatten", "Reshape",
    "Permute", "RepeatVector", "Lambda", "Masking", "Identity", "ActivityRegularization",
    "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
    "SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D",
    "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
    "AveragePooling3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
    "Cropping1D", "Cropping2D", "Cropping3D", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D",
    "UpSampling1D", "UpSampling2D", "UpSampling3D", "Add", "Subtract", "Multiply", "Average",
    "Maximum", "Minimum", "Concatenate", "Dot", "add", "subtract", "multiply", "average",
    "maximum", "minimum", "concatenate", "dot", "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax",
    "BatchNormalization", "LayerNormalization", "GroupNormalization", "UnitNormalization",
    "SpectralNormalization", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
    "GaussianDropout", "AlphaDropout", "GaussianNoise", "RNN", "SimpleRNNCell", "SimpleRNN",
    "LSTMCell", "LSTM", "GRUCell", "GRU", "StackedRNNCells", "Bidirectional", "ConvLSTM1D",
    "ConvLSTM2D", "ConvLSTM3D", "TimeDistributed", "Attention", "AdditiveAttention",
    "MultiHeadAttention", "GroupedQueryAttention", "GroupQueryAttention",
}  # fmt: skip


def test_every_layer_is_registered_and_resolves():
    registry = plugins.registry("layers")
    for name in LAYERS:
        assert name in registry, name
    for key, (spec, plugin_name) in registry.items():
        if "layers" not in plugin_name:
            continue  # a third-party fixture plugin may be installed too
        obj = getattr(kcore.layers, key)
        if spec.name[0].isupper():  # a class, under its name or a Keras alias (MaxPool2D)
            assert obj.__name__ == spec.name and issubclass(obj, kcore.Layer), key
        else:  # Keras's functional forms: kcore.layers.add, ...
            assert callable(obj) and obj.__name__ == spec.name, key


def test_every_initializer_regularizer_constraint_resolves_by_name_and_alias():
    for kind in ("initializers", "regularizers", "constraints"):
        for key, (spec, plugin_name) in plugins.registry(kind).items():
            obj = spec.resolve()
            assert obj.__name__ == spec.name, (kind, key)
            assert "layers" in plugin_name


def test_serialized_modules_are_keras_modules():
    config = kcore.saving.serialize_keras_object(kcore.layers.Dense(2, kernel_regularizer="l1"))
    assert config["module"] == "keras.layers"
    assert config["config"]["kernel_initializer"]["module"] == "keras.initializers"
    assert config["config"]["kernel_regularizer"]["module"] == "keras.regularizers"
    config = kcore.saving.serialize_keras_object(kcore.constraints.NonNeg())
    assert config["module"] == "keras.constraints"


def test_plugin_module_imports_no_layer_module_and_no_framework():
    code = (
        "import sys, kcore_layers.plugin as p\n"
        "p.kcore_layers(); p.kcore_initializers(); p.kcore_regularizers(); p.kcore_constraints()\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('torch', 'jax', 'tensorflow')\n"
        "         or m.startswith(('kcore_layers.core', 'kcore_layers.initializers.',\n"
        "                          'kcore_layers.regularizers', 'kcore_layers.constraints',\n"
        "                          'kcore_layers.convolutional', 'kcore_layers.rnn',\n"
        "                          'kcore_layers.attention', 'kcore_layers.pooling'))]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_kcore_layers_never_imports_a_framework():
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[1] / "src" / "kcore_layers"
    for path in root.rglob("*.py"):
        text = path.read_text()
        for framework in ("torch", "jax", "tensorflow"):
            assert f"import {framework}" not in text, path
            assert f"from {framework}" not in text, path
