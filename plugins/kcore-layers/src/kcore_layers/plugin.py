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
