"""Entry point of kcore-layers: registers its components lazily (nothing heavy imported here).

Every record holds a ``"module:attr"`` string; the module is imported the first time someone
touches the name (``kcore.layers.Dense``, ``"glorot_uniform"`` in a config...). The ``load``
string must name the module that *defines* the class: ``serialize_keras_object`` matches it to
write Keras's ``module`` field (``keras.layers``, ``keras.initializers``...).
"""

import kcore
from kcore.records import (
    ActivationSpec,
    ConstraintSpec,
    InitializerSpec,
    LayerSpec,
    RegularizerSpec,
)

_PKG = "kcore_layers"

# Kept here (not imported from kcore_layers.activations) so registering imports nothing.
_ACTIVATION_NAMES = (
    "celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu",
    "hard_swish", "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish",
    "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink", "softmax", "softplus", "softsign",
    "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh", "tanh_shrink",
    "threshold",
)  # fmt: skip

# class name -> (module under kcore_layers, string aliases). Aliases are Keras 3's: the
# snake_case class name plus its legacy/short names ("uniform", "one", "OrthogonalInitializer").
_LAYERS = {
    "Dense": ("core.dense", ()),
    "EinsumDense": ("core.einsum_dense", ()),
    "Embedding": ("core.embedding", ()),
    "Activation": ("core.activation", ()),
    "Lambda": ("core.lambda_layer", ()),
    "Masking": ("core.masking", ()),
    "Identity": ("core.identity", ()),
    "Dropout": ("regularization.dropout", ()),
    "ActivityRegularization": ("regularization.activity_regularization", ()),
    "Flatten": ("reshaping.flatten", ()),
    "Reshape": ("reshaping.reshape", ()),
    "Permute": ("reshaping.permute", ()),
    "RepeatVector": ("reshaping.repeat_vector", ()),
    # Convolutional
    "Conv1D": ("convolutional.conv1d", ("Convolution1D",)),
    "Conv2D": ("convolutional.conv2d", ("Convolution2D",)),
    "Conv3D": ("convolutional.conv3d", ("Convolution3D",)),
    "Conv1DTranspose": ("convolutional.conv1d_transpose", ("Convolution1DTranspose",)),
    "Conv2DTranspose": ("convolutional.conv2d_transpose", ("Convolution2DTranspose",)),
    "Conv3DTranspose": ("convolutional.conv3d_transpose", ("Convolution3DTranspose",)),
    "SeparableConv1D": ("convolutional.separable_conv1d", ("SeparableConvolution1D",)),
    "SeparableConv2D": ("convolutional.separable_conv2d", ("SeparableConvolution2D",)),
    "DepthwiseConv1D": ("convolutional.depthwise_conv1d", ()),
    "DepthwiseConv2D": ("convolutional.depthwise_conv2d", ()),
    # Pooling
    "MaxPooling1D": ("pooling.max_pooling1d", ("MaxPool1D",)),
    "MaxPooling2D": ("pooling.max_pooling2d", ("MaxPool2D",)),
    "MaxPooling3D": ("pooling.max_pooling3d", ("MaxPool3D",)),
    "AveragePooling1D": ("pooling.average_pooling1d", ("AvgPool1D",)),
    "AveragePooling2D": ("pooling.average_pooling2d", ("AvgPool2D",)),
    "AveragePooling3D": ("pooling.average_pooling3d", ("AvgPool3D",)),
    "GlobalMaxPooling1D": ("pooling.global_max_pooling1d", ("GlobalMaxPool1D",)),
    "GlobalMaxPooling2D": ("pooling.global_max_pooling2d", ("GlobalMaxPool2D",)),
    "GlobalMaxPooling3D": ("pooling.global_max_pooling3d", ("GlobalMaxPool3D",)),
    "GlobalAveragePooling1D": ("pooling.global_average_pooling1d", ("GlobalAvgPool1D",)),
    "GlobalAveragePooling2D": ("pooling.global_average_pooling2d", ("GlobalAvgPool2D",)),
    "GlobalAveragePooling3D": ("pooling.global_average_pooling3d", ("GlobalAvgPool3D",)),
    # Cropping, padding, up-sampling
    "Cropping1D": ("reshaping.cropping1d", ()),
    "Cropping2D": ("reshaping.cropping2d", ()),
    "Cropping3D": ("reshaping.cropping3d", ()),
    "ZeroPadding1D": ("reshaping.zero_padding1d", ()),
    "ZeroPadding2D": ("reshaping.zero_padding2d", ()),
    "ZeroPadding3D": ("reshaping.zero_padding3d", ()),
    "UpSampling1D": ("reshaping.up_sampling1d", ()),
    "UpSampling2D": ("reshaping.up_sampling2d", ()),
    "UpSampling3D": ("reshaping.up_sampling3d", ()),
    # Merging (classes and Keras's functional forms, defined in the same module)
    "Add": ("merging.add", ()),
    "Subtract": ("merging.subtract", ()),
    "Multiply": ("merging.multiply", ()),
    "Average": ("merging.average", ()),
    "Maximum": ("merging.maximum", ()),
    "Minimum": ("merging.minimum", ()),
    "Concatenate": ("merging.concatenate", ()),
    "Dot": ("merging.dot", ()),
    "add": ("merging.add", ()),
    "subtract": ("merging.subtract", ()),
    "multiply": ("merging.multiply", ()),
    "average": ("merging.average", ()),
    "maximum": ("merging.maximum", ()),
    "minimum": ("merging.minimum", ()),
    "concatenate": ("merging.concatenate", ()),
    "dot": ("merging.dot", ()),
    # Activation layers
    "ReLU": ("activation_layers.relu", ()),
    "LeakyReLU": ("activation_layers.leaky_relu", ()),
    "PReLU": ("activation_layers.prelu", ()),
    "ELU": ("activation_layers.elu", ()),
    "Softmax": ("activation_layers.softmax", ()),
    # Normalization
    "BatchNormalization": ("normalization.batch_normalization", ()),
    "LayerNormalization": ("normalization.layer_normalization", ()),
    "GroupNormalization": ("normalization.group_normalization", ()),
    "UnitNormalization": ("normalization.unit_normalization", ()),
    "SpectralNormalization": ("normalization.spectral_normalization", ()),
    # Dropout family and noise
    "SpatialDropout1D": ("regularization.spatial_dropout", ()),
    "SpatialDropout2D": ("regularization.spatial_dropout", ()),
    "SpatialDropout3D": ("regularization.spatial_dropout", ()),
    "GaussianDropout": ("regularization.gaussian_dropout", ()),
    "AlphaDropout": ("regularization.alpha_dropout", ()),
    "GaussianNoise": ("regularization.gaussian_noise", ()),
    # Recurrent
    "RNN": ("rnn.rnn", ()),
    "SimpleRNNCell": ("rnn.simple_rnn", ()),
    "SimpleRNN": ("rnn.simple_rnn", ()),
    "LSTMCell": ("rnn.lstm", ()),
    "LSTM": ("rnn.lstm", ()),
    "GRUCell": ("rnn.gru", ()),
    "GRU": ("rnn.gru", ()),
    "StackedRNNCells": ("rnn.stacked_rnn_cells", ()),
    "Bidirectional": ("rnn.bidirectional", ()),
    "ConvLSTM1D": ("rnn.conv_lstm1d", ()),
    "ConvLSTM2D": ("rnn.conv_lstm2d", ()),
    "ConvLSTM3D": ("rnn.conv_lstm3d", ()),
    "TimeDistributed": ("rnn.time_distributed", ()),
    # Attention
    "Attention": ("attention.attention", ()),
    "AdditiveAttention": ("attention.additive_attention", ()),
    "MultiHeadAttention": ("attention.multi_head_attention", ()),
    "GroupedQueryAttention": (
        "attention.grouped_query_attention",
        ("GroupQueryAttention",),
    ),
}
_INITIALIZERS = {
    "Initializer": ("initializers.base", ()),
    "Constant": ("initializers.constant", ("constant",)),
    "Zeros": ("initializers.constant", ("zeros", "zero")),
    "Ones": ("initializers.constant", ("ones", "one")),
    "Identity": ("initializers.constant", ("identity", "IdentityInitializer")),
    "RandomNormal": ("initializers.random", ("random_normal", "normal")),
    "RandomUniform": ("initializers.random", ("random_uniform", "uniform")),
    "TruncatedNormal": ("initializers.random", ("truncated_normal",)),
    "VarianceScaling": ("initializers.variance_scaling", ("variance_scaling",)),
    "GlorotNormal": ("initializers.variance_scaling", ("glorot_normal",)),
    "GlorotUniform": ("initializers.variance_scaling", ("glorot_uniform",)),
    "HeNormal": ("initializers.variance_scaling", ("he_normal",)),
    "HeUniform": ("initializers.variance_scaling", ("he_uniform",)),
    "LecunNormal": ("initializers.variance_scaling", ("lecun_normal",)),
    "LecunUniform": ("initializers.variance_scaling", ("lecun_uniform",)),
    "Orthogonal": ("initializers.orthogonal", ("orthogonal", "OrthogonalInitializer")),
}
_REGULARIZERS = {
    "Regularizer": ("regularizers", ()),
    "L1": ("regularizers", ("l1",)),
    "L2": ("regularizers", ("l2",)),
    "L1L2": ("regularizers", ("l1_l2", "l1l2")),
    "OrthogonalRegularizer": ("regularizers", ("orthogonal_regularizer",)),
}
_CONSTRAINTS = {
    "Constraint": ("constraints", ()),
    "MaxNorm": ("constraints", ("max_norm",)),
    "MinMaxNorm": ("constraints", ("min_max_norm",)),
    "NonNeg": ("constraints", ("non_neg",)),
    "UnitNorm": ("constraints", ("unit_norm",)),
}


def _specs(spec_type, table):
    return [
        spec_type(name, f"{_PKG}.{module}:{name}", aliases=aliases)
        for name, (module, aliases) in table.items()
    ]


@kcore.hookimpl
def kcore_activations():
    return [ActivationSpec(name, f"{_PKG}.activations:{name}") for name in _ACTIVATION_NAMES]


@kcore.hookimpl
def kcore_layers():
    return _specs(LayerSpec, _LAYERS)


@kcore.hookimpl
def kcore_initializers():
    return _specs(InitializerSpec, _INITIALIZERS)


@kcore.hookimpl
def kcore_regularizers():
    return _specs(RegularizerSpec, _REGULARIZERS)


@kcore.hookimpl
def kcore_constraints():
    return _specs(ConstraintSpec, _CONSTRAINTS)
