"""Normalization layers: BatchNormalization, LayerNormalization, GroupNormalization,
UnitNormalization, SpectralNormalization.

Each runs through ``run_layer_test``; Keras 3 (NumPy backend) is the numerical reference for
inference and ``training=True`` outputs, the moving statistics after a training call, and
configs. ``fit`` checks that the moving statistics are updated inside every backend's compiled
train step.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import kcore
from kcore import ops
from kcore.testing.layer_test import run_layer_test

layers = kcore.layers


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _normal(rng, shape, loc=0.0):
    return (rng.standard_normal(shape) + loc).astype("float32")


# -- run_layer_test -------------------------------------------------------------------------------
@pytest.mark.parametrize("training", [False, True])
def test_batch_normalization_layer_test(training):
    run_layer_test(
        layers.BatchNormalization,
        {"momentum": 0.9, "beta_regularizer": "l2", "gamma_constraint": "non_neg"},
        input_shape=(4, 3, 5),
        call_kwargs={"training": training},
        expected_output_shape=(4, 3, 5),
        expected_output_dtype="float32",
        expected_num_trainable_weights=2,
        expected_num_non_trainable_weights=2,
        expected_num_losses=1,
        supports_masking=True,
        run_mixed_precision_check=not training,
    )


def test_batch_normalization_renorm_channels_first_layer_test():
    run_layer_test(
        layers.BatchNormalization,
        {"axis": 1, "renorm": True, "renorm_clipping": {"rmax": 2.0, "dmax": 1.0}},
        input_shape=(4, 3, 2, 2),
        call_kwargs={"training": True},
        expected_output_shape=(4, 3, 2, 2),
        expected_num_trainable_weights=2,
        expected_num_non_trainable_weights=5,
    )


@pytest.mark.parametrize(
    "kwargs, num_weights",
    [({}, 2), ({"axis": [1, 2], "center": False}, 1), ({"axis": 1, "scale": False}, 1)],
    ids=["last", "two_axes", "middle"],
)
def test_layer_normalization_layer_test(kwargs, num_weights):
    run_layer_test(
        layers.LayerNormalization,
        {"beta_regularizer": "l2", **kwargs},
        input_shape=(2, 3, 4),
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=num_weights,
        expected_num_non_trainable_weights=0,
        supports_masking=True,
        run_mixed_precision_check=not kwargs,
    )


def test_layer_normalization_rms_scaling_layer_test():
    with pytest.warns(UserWarning, match="rms_scaling"):
        layers.LayerNormalization(rms_scaling=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        run_layer_test(
            layers.LayerNormalization,
            {"rms_scaling": True},
            input_shape=(2, 5),
            expected_output_shape=(2, 5),
            expected_num_trainable_weights=1,
        )


@pytest.mark.parametrize(
    "kwargs, shape",
    [({"groups": 2}, (2, 3, 4)), ({"groups": -1, "axis": 1}, (2, 4, 3, 3))],
    ids=["channels_last", "instance_channels_first"],
)
def test_group_normalization_layer_test(kwargs, shape):
    run_layer_test(
        layers.GroupNormalization,
        kwargs,
        input_shape=shape,
        expected_output_shape=shape,
        expected_num_trainable_weights=2,
        expected_num_non_trainable_weights=0,
        supports_masking=True,
        run_mixed_precision_check=kwargs["groups"] == 2,
    )


@pytest.mark.parametrize("axis", [-1, [1, 2]])
def test_unit_normalization_layer_test(axis):
    run_layer_test(
        layers.UnitNormalization,
        {"axis": axis},
        input_shape=(2, 3, 4),
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=0,
        supports_masking=True,
    )


@pytest.mark.parametrize("training", [False, True])
def test_spectral_normalization_layer_test(training):
    run_layer_test(
        layers.SpectralNormalization,
        {"layer": layers.Dense(3), "power_iterations": 2},
        input_shape=(2, 4),
        call_kwargs={"training": training},
        expected_output_shape=(2, 3),
        expected_num_trainable_weights=2,
        expected_num_non_trainable_weights=1,
    )


# -- Keras parity ---------------------------------------------------------------------------------
F32 = "float32"
PARITY = {
    "bn": ("BatchNormalization", {}, (6, 4)),
    "bn_rank3_axis1": ("BatchNormalization", {"axis": 1, "momentum": 0.8}, (4, 3, 5)),
    "bn_channels_first": ("BatchNormalization", {"axis": 1, "epsilon": 1e-2}, (3, 4, 2, 2)),
    "bn_no_affine": ("BatchNormalization", {"center": False, "scale": False}, (5, 3)),
    "bn_renorm": (
        "BatchNormalization",
        {"renorm": True, "renorm_clipping": {"rmax": 1.5, "rmin": 0.5, "dmax": 0.3}},
        (6, 4),
    ),
    "ln": ("LayerNormalization", {}, (3, 5)),
    "ln_axes": ("LayerNormalization", {"axis": [1, 3], "epsilon": 1e-5}, (2, 3, 2, 4)),
    "ln_trailing_axes": ("LayerNormalization", {"axis": [-2, -1]}, (2, 3, 4)),
    "ln_middle_no_center": ("LayerNormalization", {"axis": 1, "center": False}, (2, 3, 4)),
    "ln_rms_scaling": ("LayerNormalization", {"rms_scaling": True}, (3, 5)),
    "gn": ("GroupNormalization", {"groups": 2}, (2, 3, 4)),
    "gn_channels_first": ("GroupNormalization", {"groups": 3, "axis": 1}, (2, 6, 2, 2)),
    "gn_no_scale": ("GroupNormalization", {"groups": 1, "scale": False}, (2, 5, 3)),
    "un": ("UnitNormalization", {}, (3, 4)),
    "un_axes": ("UnitNormalization", {"axis": [1, 2]}, (2, 3, 4)),
}


def _strip_name(config):
    return {k: v for k, v in config.items() if k != "name"}


def _normalize(value):
    if isinstance(value, dict):
        return {k: _normalize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normalize(v) for v in value]
    if isinstance(value, float):
        return round(value, 6)
    return value


def _random_weights(layer, rng):
    """Non-trivial weights (positive variances), so parity tests more than the defaults."""
    out = []
    for w in layer.weights:
        if "variance" in w.name or "stddev" in w.name:
            values = rng.uniform(0.5, 1.5, size=w.shape)
        else:
            values = rng.standard_normal(w.shape)
        out.append(values.astype("float32"))
    return out


@pytest.mark.filterwarnings("ignore:.*rms_scaling.*:UserWarning")
@pytest.mark.parametrize("case", sorted(PARITY))
def test_matches_keras(case, keras, rng):
    cls_name, kwargs, shape = PARITY[case]
    theirs = getattr(keras.layers, cls_name)(**kwargs)
    ours = getattr(layers, cls_name)(**kwargs)
    x = _normal(rng, shape, loc=0.5)
    theirs.build(shape)
    ours.build(shape)
    ours.built = True
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    assert [w.trainable for w in ours.weights] == [w.trainable for w in theirs.weights]
    weights = _random_weights(theirs, rng)
    theirs.set_weights(weights)
    ours.set_weights(weights)

    np.testing.assert_allclose(_np(ours(x)), np.asarray(theirs(x)), rtol=1e-5, atol=1e-5)
    expected = np.asarray(theirs(x, training=True))
    np.testing.assert_allclose(_np(ours(x, training=True)), expected, rtol=1e-5, atol=1e-5)
    for got, want in zip(ours.get_weights(), theirs.get_weights()):  # moving statistics
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)

    ours_config, theirs_config = ours.get_config(), theirs.get_config()
    if cls_name == "LayerNormalization" and isinstance(ours_config["axis"], int):
        # Keras rewrites an int axis as a one-element list at build; kcore keeps the argument.
        assert theirs_config["axis"] == [ours_config["axis"]]
        theirs_config = {**theirs_config, "axis": ours_config["axis"]}
    assert _normalize(_strip_name(ours_config)) == _normalize(_strip_name(theirs_config))
    rebuilt = getattr(layers, cls_name).from_config(theirs_config)
    assert _normalize(_strip_name(rebuilt.get_config())) == _normalize(_strip_name(ours_config))
    getattr(keras.layers, cls_name).from_config(ours_config)


def test_unbuilt_configs_match_keras(keras):
    """Keras rewrites LayerNormalization's axis and GroupNormalization's groups=-1 at build;
    unbuilt configs, which are what the constructor was given, match key by key."""
    for cls_name, kwargs in [
        ("LayerNormalization", {"axis": -1}),
        ("GroupNormalization", {"groups": -1}),
        ("BatchNormalization", {"renorm": True}),
    ]:
        ours = getattr(layers, cls_name)(**kwargs).get_config()
        theirs = getattr(keras.layers, cls_name)(**kwargs).get_config()
        assert _normalize(_strip_name(ours)) == _normalize(_strip_name(theirs))


@pytest.mark.parametrize("wrapped", ["dense", "embedding"])
def test_spectral_normalization_matches_keras(wrapped, keras, rng):
    if wrapped == "dense":
        x = _normal(rng, (3, 5))
        theirs = keras.layers.SpectralNormalization(keras.layers.Dense(4), power_iterations=2)
        ours = layers.SpectralNormalization(layers.Dense(4), power_iterations=2)
    else:
        x = rng.integers(0, 6, size=(2, 3)).astype("int32")
        theirs = keras.layers.SpectralNormalization(keras.layers.Embedding(6, 4))
        ours = layers.SpectralNormalization(layers.Embedding(6, 4))
    theirs.build(x.shape)
    ours.build(x.shape)
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    assert [w.trainable for w in ours.weights] == [w.trainable for w in theirs.weights]
    ours.set_weights(theirs.get_weights())
    if wrapped == "dense":  # Keras casts outputs to the input dtype, int for Embedding
        np.testing.assert_allclose(_np(ours(x)), np.asarray(theirs(x)), rtol=1e-5, atol=1e-6)
        expected = np.asarray(theirs(x, training=True))
        np.testing.assert_allclose(_np(ours(x, training=True)), expected, rtol=1e-5, atol=1e-6)
    else:
        theirs(x, training=True)
        ours(x, training=True)
    for got, want in zip(ours.get_weights(), theirs.get_weights()):  # kernel / sigma, vector_u
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    ours_config, theirs_config = ours.get_config(), theirs.get_config()
    assert set(ours_config) == set(theirs_config)
    assert ours_config["power_iterations"] == theirs_config["power_iterations"]
    assert ours_config["layer"]["class_name"] == theirs_config["layer"]["class_name"]
    rebuilt = layers.SpectralNormalization.from_config(theirs_config)
    assert type(rebuilt.layer).__name__ == type(ours.layer).__name__
    keras.layers.SpectralNormalization.from_config(ours_config)


def test_batch_normalization_mask_matches_keras(keras, rng):
    x = _normal(rng, (3, 4, 2), loc=1.0)
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 0], [1, 0, 0, 0]], dtype=bool)
    theirs, ours = keras.layers.BatchNormalization(), layers.BatchNormalization()
    expected = np.asarray(theirs(x, training=True, mask=mask))
    np.testing.assert_allclose(
        _np(ours(x, training=True, mask=mask)), expected, rtol=1e-5, atol=1e-5
    )
    for got, want in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    # The masked statistics: only the kept timesteps count.
    kept = x[mask]
    np.testing.assert_allclose(ours.moving_mean.numpy(), 0.01 * kept.mean(0), rtol=1e-4)
    with pytest.raises(ValueError, match="one dimension less"):
        ours(x, training=True, mask=mask[:, :, None])


def test_batch_normalization_mask_flows_from_masking_layer(rng):
    x = _normal(rng, (2, 3, 4))
    x[0, 2] = 0.0
    inputs = kcore.Input((3, 4))
    bn = layers.BatchNormalization()
    model = kcore.Model(inputs, bn(layers.Masking()(inputs)))
    model(x, training=True)
    kept = np.concatenate([x[0, :2], x[1]])
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.01 * kept.mean(0), rtol=1e-4, atol=1e-7)


# -- BatchNormalization semantics -----------------------------------------------------------------
def test_batch_normalization_statistics_and_momentum(rng):
    x = _normal(rng, (8, 3), loc=2.0)
    layer = layers.BatchNormalization(momentum=0.9, epsilon=1e-3)
    y = _np(layer(x, training=True))
    mean, var = x.mean(0), x.var(0)
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.1 * mean, rtol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.numpy(), 0.9 + 0.1 * var, rtol=1e-5)
    # Inference (training unset or False) uses the moving statistics and updates nothing.
    before = layer.get_weights()
    y = _np(layer(x))
    moving_mean, moving_var = before[2], before[3]
    np.testing.assert_allclose(
        y, (x - moving_mean) / np.sqrt(moving_var + 1e-3), rtol=1e-4, atol=1e-5
    )
    for a, b in zip(before, layer.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_batch_normalization_not_trainable_runs_in_inference_mode(rng):
    x = _normal(rng, (6, 3), loc=1.0)
    layer = layers.BatchNormalization()
    layer.build(x.shape)
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 4
    y = _np(layer(x, training=True))
    np.testing.assert_allclose(y, x / np.sqrt(1 + 1e-3), rtol=1e-5)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.zeros(3, "float32"))


def test_batch_normalization_mixed_precision(rng):
    layer = layers.BatchNormalization(dtype="mixed_float16")
    y = layer(_normal(rng, (4, 3)), training=True)
    assert ops.dtype(y) == "float16"
    assert {w.dtype for w in layer.weights} == {"float32"}


def test_batch_normalization_moving_statistics_in_fit(rng):
    """The compiled train step of every backend applies the moving-statistic assignments."""
    epochs = 2
    x = _normal(rng, (16, 3), loc=3.0)
    y = rng.standard_normal((16, 1)).astype("float32")
    model = kcore.Sequential([kcore.Input((3,)), layers.BatchNormalization(), layers.Dense(1)])
    model.compile(optimizer=kcore.optimizers.SGD(learning_rate=0.0), loss="mse")
    bn = model.layers[0]
    gamma_before = bn.gamma.numpy().copy()
    model.fit(x, y, batch_size=16, epochs=epochs, shuffle=False, verbose=0)
    decay = 0.99**epochs  # one step per epoch, same batch each time, weights frozen by lr 0
    np.testing.assert_allclose(bn.moving_mean.numpy(), (1 - decay) * x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(
        bn.moving_variance.numpy(), decay + (1 - decay) * x.var(0), rtol=1e-5
    )
    np.testing.assert_array_equal(bn.gamma.numpy(), gamma_before)
    # predict uses the moving statistics.
    expected = (x - bn.moving_mean.numpy()) / np.sqrt(bn.moving_variance.numpy() + 1e-3)
    dense = model.layers[1]
    expected = expected @ dense.kernel.numpy() + dense.bias.numpy()
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-4, atol=1e-5)


def test_spectral_normalization_updates_in_fit(rng):
    x = _normal(rng, (8, 3))
    y = rng.standard_normal((8, 2)).astype("float32")
    sn = layers.SpectralNormalization(layers.Dense(2))
    model = kcore.Sequential([kcore.Input((3,)), sn])
    model.compile(optimizer=kcore.optimizers.SGD(learning_rate=0.0), loss="mse")
    u_before = sn.vector_u.numpy().copy()
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert not np.allclose(sn.vector_u.numpy(), u_before)
    assert np.isclose(np.linalg.norm(sn.vector_u.numpy()), 1.0, rtol=1e-5)


# -- other semantics ------------------------------------------------------------------------------
def test_group_normalization_numerics(rng):
    x = _normal(rng, (2, 3, 6))
    y = _np(layers.GroupNormalization(groups=2, epsilon=1e-5)(x))
    g = x.reshape(2, 3, 2, 3)
    mean, var = g.mean(axis=(1, 3), keepdims=True), g.var(axis=(1, 3), keepdims=True)
    np.testing.assert_allclose(y, ((g - mean) / np.sqrt(var + 1e-5)).reshape(x.shape), atol=1e-5)


def test_unit_normalization_numerics():
    x = np.array([[3.0, 4.0], [0.0, 0.0], [1e-8, 1e-8]], "float32")
    y = _np(layers.UnitNormalization()(x))
    # x / max(norm, 1e-12): a tiny vector still gets unit norm; a zero one stays zero.
    np.testing.assert_allclose(y, [[0.6, 0.8], [0.0, 0.0], [0.5**0.5, 0.5**0.5]], rtol=1e-6)


def test_spectral_normalization_leaves_zero_kernel(rng):
    sn = layers.SpectralNormalization(layers.Dense(2, kernel_initializer="zeros"))
    sn(_normal(rng, (2, 3)))
    u = sn.vector_u.numpy().copy()
    sn(_normal(rng, (2, 3)), training=True)
    np.testing.assert_array_equal(sn.vector_u.numpy(), u)
    np.testing.assert_array_equal(sn.layer.kernel.numpy(), np.zeros((3, 2), "float32"))


def test_symbolic_shapes_and_axis_bounds():
    inputs = kcore.Input((3, 4))
    assert layers.LayerNormalization(axis=[1, 2])(inputs).shape == (None, 3, 4)
    assert layers.BatchNormalization(axis=1)(inputs).shape == (None, 3, 4)
    for layer in (
        layers.BatchNormalization(axis=3),
        layers.LayerNormalization(axis=[1, -4]),
        layers.GroupNormalization(groups=1, axis=5),
        layers.UnitNormalization(axis=3),
    ):
        with pytest.raises(ValueError, match="out of bounds"):
            layer.compute_output_shape((None, 3, 4))
    with pytest.raises(ValueError, match="expected axis"):
        bn = layers.BatchNormalization()
        bn.build((None, 4))
        bn(np.zeros((2, 5), "float32"))


# -- bad arguments ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cls_name, kwargs, error, match",
    [
        ("BatchNormalization", {"axis": [1, 2]}, TypeError, "`axis` must be an int"),
        ("BatchNormalization", {"momentum": 1.5}, ValueError, "`momentum` must be a number"),
        ("BatchNormalization", {"epsilon": -1.0}, ValueError, "`epsilon`"),
        ("BatchNormalization", {"center": "yes"}, ValueError, "`center` must be True or False"),
        ("BatchNormalization", {"renorm": True, "renorm_clipping": {"rmx": 1}}, ValueError, "rmx"),
        (
            "BatchNormalization",
            {"renorm": True, "renorm_clipping": {"rmax": 0.5, "rmin": 1.0}},
            ValueError,
            "rmax >= rmin",
        ),
        (
            "BatchNormalization",
            {"renorm": True, "renorm_clipping": {"dmax": -1}},
            ValueError,
            "dmax",
        ),
        ("BatchNormalization", {"gamma_initializer": 3}, ValueError, "gamma_initializer"),
        ("LayerNormalization", {"axis": "last"}, TypeError, "list/tuple of ints"),
        ("LayerNormalization", {"axis": [1, 1]}, ValueError, "must not repeat"),
        ("GroupNormalization", {"groups": 0}, ValueError, "`groups` must be a positive"),
        ("GroupNormalization", {"groups": 2.0}, ValueError, "`groups`"),
        ("UnitNormalization", {"axis": None}, TypeError, "`axis`"),
        ("SpectralNormalization", {"layer": "dense"}, ValueError, "kcore layer instance"),
    ],
)
def test_bad_arguments(cls_name, kwargs, error, match):
    with pytest.raises(error, match=match):
        getattr(layers, cls_name)(**kwargs)


def test_bad_arguments_found_at_build():
    with pytest.raises(ValueError, match="multiple of `groups`"):
        layers.GroupNormalization(groups=4).build((None, 6))
    with pytest.raises(ValueError, match="batch axis"):
        layers.GroupNormalization(groups=1, axis=0).build((2, 6))
    with pytest.raises(ValueError, match="power_iterations"):
        layers.SpectralNormalization(layers.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="no `kernel` nor `embeddings`"):
        layers.SpectralNormalization(layers.Flatten()).build((2, 3))
