"""Attention layers: Attention, AdditiveAttention, MultiHeadAttention, GroupedQueryAttention.

Each layer goes through ``run_layer_test`` and is compared with Keras 3 (NumPy backend): same
weights (names, shapes, order), same outputs with Keras's weights copied in (masks, causal
masks, attention scores), same configs key by key, and each library rebuilds the other's
config. Masks coming from ``Embedding(mask_zero=True)`` through a Functional model are checked
too.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import kcore
from kcore import ops
from kcore.saving import deserialize_keras_object, serialize_keras_object
from kcore.testing.layer_test import run_layer_test

layers = kcore.layers
B, T, S, D = 2, 4, 5, 6  # batch, query length, value length, features


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _data(seed=0):
    rng = np.random.default_rng(seed)
    query = rng.standard_normal((B, T, D)).astype("float32")
    value = rng.standard_normal((B, S, D)).astype("float32")
    key = rng.standard_normal((B, S, D)).astype("float32")
    query_mask = np.array([[1, 1, 1, 0], [1, 1, 1, 1]], bool)
    value_mask = np.array([[1, 1, 0, 0, 0], [1, 1, 1, 1, 1]], bool)
    return query, value, key, query_mask, value_mask


def _strip(config):
    return {k: v for k, v in config.items() if k != "name"}


def _json(value):
    return json.loads(json.dumps(value))


def _assert_all_close(ours, theirs, atol=1e-5):
    ours = ours if isinstance(ours, tuple) else (ours,)
    theirs = theirs if isinstance(theirs, tuple) else (theirs,)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(_np(a), np.asarray(b), rtol=1e-5, atol=atol)


def _paths(layer):
    """``sublayer/weight`` of each weight, in order (``query/kernel``...)."""
    return ["/".join(w.path.split("/")[-2:]) for w in layer.weights]


def _check_configs(ours, theirs, cls_name, keras):
    assert _json(_strip(ours.get_config())) == _json(_strip(theirs.get_config()))
    rebuilt = getattr(kcore.layers, cls_name).from_config(theirs.get_config())
    assert _json(_strip(rebuilt.get_config())) == _json(_strip(ours.get_config()))
    keras_name = "GroupQueryAttention" if cls_name == "GroupedQueryAttention" else cls_name
    getattr(keras.layers, keras_name).from_config(ours.get_config())


# -- run_layer_test --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, weights",
    [({}, 0), ({"use_scale": True}, 1), ({"score_mode": "concat", "use_scale": True}, 2)],
)
def test_attention_layer_test(kwargs, weights):
    query, value, key, _, _ = _data()
    run_layer_test(
        layers.Attention,
        kwargs,
        input_data=[query, value, key],
        expected_output_shape=(B, T, D),
        expected_num_trainable_weights=weights,
        supports_masking=True,
    )


def test_attention_scores_and_dropout_layer_test():
    query, value, _, _, _ = _data()
    run_layer_test(
        layers.Attention,
        {"dropout": 0.5, "seed": 1},
        input_data=[query, value],
        call_kwargs={"return_attention_scores": True, "training": True},
        expected_output_shape=[(B, T, D), (B, T, S)],
    )


def test_additive_attention_layer_test():
    query, value, _, _, _ = _data()
    run_layer_test(
        layers.AdditiveAttention,
        {},
        input_data=[query, value],
        expected_output_shape=(B, T, D),
        expected_num_trainable_weights=1,
    )


def test_multi_head_attention_layer_test():
    query, value, key, _, _ = _data()
    run_layer_test(
        layers.MultiHeadAttention,
        {"num_heads": 2, "key_dim": 3, "value_dim": 4, "use_gate": True, "dropout": 0.2},
        input_data={"query": query, "value": value, "key": key},
        call_kwargs={"return_attention_scores": True, "use_causal_mask": True},
        expected_output_shape=[(B, T, D), (B, 2, T, S)],
        expected_num_trainable_weights=10,
        supports_masking=True,
    )


def test_multi_head_attention_build_from_shapes_and_regularizers():
    run_layer_test(
        layers.MultiHeadAttention,
        {"num_heads": 2, "key_dim": 2, "kernel_regularizer": "l2", "activity_regularizer": "l1"},
        input_shape={"query_shape": (B, T, D), "value_shape": (B, S, 3)},
        expected_output_shape=(B, T, D),
        expected_num_trainable_weights=8,
        expected_num_losses=8,  # 4 kernels + 4 projection outputs, as Keras
    )


def test_grouped_query_attention_layer_test():
    query, value, _, _, _ = _data()
    run_layer_test(
        layers.GroupedQueryAttention,
        {"head_dim": 2, "num_query_heads": 4, "num_key_value_heads": 2, "sliding_window": 2},
        input_data={"query": query, "value": value},
        call_kwargs={"return_attention_scores": True},
        expected_output_shape=[(B, T, D), (B, 4, T, S)],
        expected_num_trainable_weights=8,
        run_mixed_precision_check=True,
    )


# -- Keras parity ----------------------------------------------------------------------------------
SEQ_CASES = {
    "dot": ({}, {}),
    "dot_scale_masks_scores": (
        {"use_scale": True},
        {"mask": "qv", "return_attention_scores": True},
    ),
    "dot_causal_key": ({}, {"use_causal_mask": True, "key": True, "mask": "qv"}),
    "concat_scale": ({"score_mode": "concat", "use_scale": True}, {"mask": "qv"}),
    "concat_causal_scores": (
        {"score_mode": "concat"},
        {"use_causal_mask": True, "return_attention_scores": True},
    ),
    "dropout_inference": ({"dropout": 0.5}, {"mask": "qv"}),
}


@pytest.mark.parametrize("cls_name", ["Attention", "AdditiveAttention"])
@pytest.mark.parametrize("case", sorted(SEQ_CASES))
def test_sequence_attention_matches_keras(cls_name, case, keras):
    kwargs, call = SEQ_CASES[case]
    if cls_name == "AdditiveAttention":
        kwargs = {k: v for k, v in kwargs.items() if k != "score_mode"}
    query, value, key, query_mask, value_mask = _data(1)
    call = dict(call)
    inputs = [query, value, key] if call.pop("key", False) else [query, value]
    if call.pop("mask", None):
        call["mask"] = [query_mask, value_mask]
    theirs = getattr(keras.layers, cls_name)(**kwargs)
    ours = getattr(kcore.layers, cls_name)(**kwargs)
    expected = theirs(inputs, **call)
    ours.build([x.shape for x in inputs])
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    ours.set_weights(theirs.get_weights())
    _assert_all_close(ours(inputs, **call), expected)
    _check_configs(ours, theirs, cls_name, keras)
    mask = call.get("mask")
    if mask is not None:
        np.testing.assert_array_equal(_np(ours.compute_mask(inputs, mask)), query_mask)


MHA_CASES = {
    "basic": ({"num_heads": 2, "key_dim": 3}, {}),
    "key_value_dim_gate_scores": (
        {"num_heads": 2, "key_dim": 3, "value_dim": 4, "use_gate": True},
        {"key": True, "return_attention_scores": True},
    ),
    "causal": ({"num_heads": 2, "key_dim": 3}, {"use_causal_mask": True}),
    "causal_scores": ({"num_heads": 2, "key_dim": 3}, {"use_causal_mask": True, "scores": 1}),
    "value_mask_causal": (
        {"num_heads": 3, "key_dim": 2, "output_shape": (2, 3)},
        {"value_mask": True, "use_causal_mask": True},
    ),
    "attention_mask_scores": (
        {"num_heads": 2, "key_dim": 3, "use_bias": False},
        {"attention_mask": True, "value_mask": True, "return_attention_scores": True},
    ),
    "sliding_window": ({"num_heads": 2, "key_dim": 3, "sliding_window": 2}, {"scores": 1}),
    "dropout_training_off": (
        {"num_heads": 2, "key_dim": 3, "dropout": 0.3},
        {"value_mask": True, "training": False},
    ),
    "training_no_dropout": ({"num_heads": 2, "key_dim": 3}, {"training": True}),
}


def _mha_call(call, value, key, value_mask):
    call = dict(call)
    if call.pop("scores", False):
        call["return_attention_scores"] = True
    if call.pop("key", False):
        call["key"] = key
    if call.pop("value_mask", False):
        call["value_mask"] = value_mask
    if call.pop("attention_mask", False):
        mask = np.ones((B, T, S), bool)
        mask[:, 0, 1:] = False
        call["attention_mask"] = mask
    return call


@pytest.mark.parametrize("case", sorted(MHA_CASES))
def test_multi_head_attention_matches_keras(case, keras):
    kwargs, call = MHA_CASES[case]
    query, value, key, _, value_mask = _data(2)
    call = _mha_call(call, value, key, value_mask)
    theirs = keras.layers.MultiHeadAttention(**kwargs)
    ours = kcore.layers.MultiHeadAttention(**kwargs)
    expected = theirs(query, value, **call)
    ours(query, value, **{k: v for k, v in call.items() if k == "key"})  # builds
    assert _paths(ours) == _paths(theirs)
    assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    ours.set_weights(theirs.get_weights())
    _assert_all_close(ours(query, value, **call), expected)
    assert ours.count_params() == theirs.count_params()
    _check_configs(ours, theirs, "MultiHeadAttention", keras)


def test_multi_head_attention_2d_attention_axes_matches_keras(keras):
    x = np.random.default_rng(3).standard_normal((B, 3, 4, 5)).astype("float32")
    kwargs = {"num_heads": 2, "key_dim": 3, "attention_axes": (1, 2)}
    theirs = keras.layers.MultiHeadAttention(**kwargs)
    ours = kcore.layers.MultiHeadAttention(**kwargs)
    expected = theirs(x, x, return_attention_scores=True)
    ours(x, x)
    ours.set_weights(theirs.get_weights())
    out, scores = ours(x, x, return_attention_scores=True)
    assert tuple(ops.shape(scores)) == (B, 2, 3, 4, 3, 4)
    _assert_all_close((out, scores), expected)
    _check_configs(ours, theirs, "MultiHeadAttention", keras)  # both report axes (1, 2)
    symbolic = kcore.layers.MultiHeadAttention(**kwargs)
    inputs = kcore.Input(shape=(3, 4, 5))
    sym_out, sym_scores = symbolic(inputs, inputs, return_attention_scores=True)
    assert sym_out.shape == (None, 3, 4, 5)
    assert sym_scores.shape == (None, 2, 3, 4, 3, 4)


GQA_CASES = {
    "basic": ({"head_dim": 2, "num_query_heads": 4, "num_key_value_heads": 2}, {}),
    "mqa_gate_scores_key": (
        {"head_dim": 3, "num_query_heads": 2, "num_key_value_heads": 1, "use_gate": True},
        {"key": True, "scores": 1},
    ),
    "causal": ({"head_dim": 2, "num_query_heads": 2, "num_key_value_heads": 2}, {"use_causal_mask": True}),
    "masks_causal_scores": (
        {"head_dim": 2, "num_query_heads": 4, "num_key_value_heads": 2, "use_bias": False},
        {"value_mask": True, "use_causal_mask": True, "scores": 1},
    ),
    "window_attention_mask": (
        {"head_dim": 2, "num_query_heads": 4, "num_key_value_heads": 2, "sliding_window": 3},
        {"attention_mask": True},
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(GQA_CASES))
def test_grouped_query_attention_matches_keras(case, keras):
    kwargs, call = GQA_CASES[case]
    query, value, key, _, value_mask = _data(4)
    call = _mha_call(call, value, key, value_mask)
    theirs = keras.layers.GroupQueryAttention(**kwargs)
    ours = kcore.layers.GroupedQueryAttention(**kwargs)
    expected = theirs(query, value, **call)
    ours(query, value, **{k: v for k, v in call.items() if k == "key"})
    assert _paths(ours) == _paths(theirs)
    assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    ours.set_weights(theirs.get_weights())
    _assert_all_close(ours(query, value, **call), expected)
    _check_configs(ours, theirs, "GroupedQueryAttention", keras)


# -- masks through Functional models ---------------------------------------------------------------
def _masked_models(keras, make_ours, make_theirs):
    """The same Embedding(mask_zero) -> attention model in both libraries, Keras's weights."""
    ids = np.array([[3, 1, 4, 0, 0], [2, 7, 1, 8, 2]], "int32")
    outs = []
    for lib, make in ((keras, make_theirs), (kcore, make_ours)):
        tokens = lib.Input(shape=(5,), dtype="int32")
        x = lib.layers.Embedding(10, D, mask_zero=True)(tokens)
        outs.append((lib.Model(tokens, make(lib, x)), tokens))
    (theirs, _), (ours, _) = outs
    ours.set_weights(theirs.get_weights())
    return ours, theirs, ids


def test_multi_head_attention_takes_masks_from_functional_inputs(keras):
    def make(lib, x):
        y = lib.layers.MultiHeadAttention(num_heads=2, key_dim=3)(x, x)
        return lib.layers.GlobalAveragePooling1D()(y)  # uses the query mask MHA passes on

    ours, theirs, ids = _masked_models(keras, make, make)
    _assert_all_close(ours(ids), np.asarray(theirs(ids)))
    embedding, mha = (
        [layer for layer in ours.layers if isinstance(layer, cls)][0]
        for cls in (layers.Embedding, layers.MultiHeadAttention)
    )
    x = embedding(ids)
    unmasked = _np(mha(x, x))
    masked = _np(mha(x, x, query_mask=ids != 0, value_mask=ids != 0))
    assert not np.allclose(unmasked, masked)  # the masks changed the numbers


def test_causal_self_attention_with_padding_mask_in_functional_model(keras):
    def make(lib, x):
        return lib.layers.MultiHeadAttention(num_heads=2, key_dim=3)(x, x, use_causal_mask=True)

    ours, theirs, ids = _masked_models(keras, make, make)
    _assert_all_close(ours(ids), np.asarray(theirs(ids)))


def test_attention_takes_masks_from_functional_inputs(keras):
    def make(lib, x):
        return lib.layers.Attention(use_scale=True)([x, x], use_causal_mask=True)

    ours, theirs, ids = _masked_models(keras, make, make)
    _assert_all_close(ours(ids), np.asarray(theirs(ids)))


@pytest.mark.filterwarnings("ignore::UserWarning:keras")  # Keras warns its projections drop masks
def test_grouped_query_attention_takes_masks_from_functional_inputs(keras):
    def ours_make(lib, x):
        return lib.layers.GroupedQueryAttention(2, 4, 2)(x, x)

    def theirs_make(lib, x):
        return lib.layers.GroupQueryAttention(2, 4, 2)(x, x)

    ours, theirs, ids = _masked_models(keras, ours_make, theirs_make)
    _assert_all_close(ours(ids), np.asarray(theirs(ids)))


def test_functional_model_with_attention_serializes():
    tokens = kcore.Input(shape=(5,), dtype="int32")
    x = layers.Embedding(10, D, mask_zero=True)(tokens)
    y, scores = layers.MultiHeadAttention(2, 3)(x, x, return_attention_scores=True)
    assert y.shape == (None, 5, D) and scores.shape == (None, 2, 5, 5)
    model = kcore.Model(tokens, [y, scores])
    ids = np.array([[3, 1, 0, 0, 0]], "int32")
    clone = kcore.models.model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    _assert_all_close(tuple(clone(ids)), tuple(_np(t) for t in model(ids)))


# -- building, serialization, errors ---------------------------------------------------------------
def test_multi_head_attention_build_config_round_trip():
    query, value, _, _, _ = _data()
    layer = layers.MultiHeadAttention(2, 3, name="mha")
    layer(query, value)
    serialized = _json(serialize_keras_object(layer))
    assert serialized["build_config"] == {
        "shapes_dict": {"query_shape": [B, T, D], "value_shape": [B, S, D]}
    }
    revived = deserialize_keras_object(serialized, kind="layers")
    assert revived.built and len(revived.weights) == 8
    revived.set_weights(layer.get_weights())
    _assert_all_close(revived(query, value), _np(layer(query, value)))


def test_group_query_attention_alias():
    assert kcore.layers.GroupQueryAttention is kcore.layers.GroupedQueryAttention
    layer = layers.GroupQueryAttention(2, 2, 1)
    assert serialize_keras_object(layer)["class_name"] == "GroupedQueryAttention"


@pytest.mark.parametrize(
    "cls, kwargs, match",
    [
        (layers.Attention, {"score_mode": "add"}, "score_mode"),
        (layers.Attention, {"dropout": 1.5}, "dropout"),
        (layers.AdditiveAttention, {"dropout": -0.1}, "dropout"),
        (layers.MultiHeadAttention, {"num_heads": 0, "key_dim": 2}, "num_heads"),
        (layers.MultiHeadAttention, {"num_heads": 2, "key_dim": 2.5}, "key_dim"),
        (layers.MultiHeadAttention, {"num_heads": 2, "key_dim": 2, "value_dim": 0}, "value_dim"),
        (layers.MultiHeadAttention, {"num_heads": 2, "key_dim": 2, "attention_axes": "x"},
         "attention_axes"),
        (layers.MultiHeadAttention, {"num_heads": 2, "key_dim": 2, "output_shape": "x"},
         "output_shape"),
        (layers.MultiHeadAttention, {"num_heads": 2, "key_dim": 2, "sliding_window": 0},
         "sliding_window"),
        (layers.MultiHeadAttention,
         {"num_heads": 2, "key_dim": 2, "dropout": 0.1, "flash_attention": True}, "flash"),
        (layers.GroupedQueryAttention, {"head_dim": 2, "num_query_heads": 3,
                                        "num_key_value_heads": 2}, "divisible"),
        (layers.GroupedQueryAttention, {"head_dim": 0, "num_query_heads": 2,
                                        "num_key_value_heads": 2}, "head_dim"),
    ],
)  # fmt: skip
def test_constructor_errors(cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cls(**kwargs)


def test_call_errors_name_what_is_wrong():
    query, value, key, _, _ = _data()
    with pytest.raises(ValueError, match=r"list of inputs"):
        layers.Attention()(query)
    with pytest.raises(ValueError, match=r"length 2 or 3"):
        layers.Attention()([query])
    with pytest.raises(ValueError, match=r"mask must be a list"):
        layers.Attention()([query, value], mask=query)
    with pytest.raises(ValueError, match=r"last dim of `query` and `key`"):
        layers.Attention()([query, value[..., :4]])
    with pytest.raises(ValueError, match=r"same number of timesteps"):
        layers.Attention()([query, value, key[:, :3]])
    with pytest.raises(ValueError, match=r"except the last one"):
        layers.MultiHeadAttention(2, 3)(query, value, key[:, :3])
    with pytest.raises(ValueError, match=r"except the last one"):
        layers.GroupedQueryAttention(2, 2, 2)(query, value, key[:, :3])
    with pytest.raises(ValueError, match=r"same rank"):
        layers.MultiHeadAttention(2, 3)(query, value[:, 0])
    with pytest.raises(ValueError, match=r"must be 3D"):
        layers.GroupedQueryAttention(2, 2, 2)(query[:, None], value[:, None])
    with pytest.raises(ValueError, match=r"attention_axes"):
        layers.MultiHeadAttention(2, 3, attention_axes=2)(query, value)
    built = layers.MultiHeadAttention(2, 3)
    built(query, value)
    with pytest.raises(ValueError, match=r"except the last one"):
        built(query, value, key[:, :3])
    with pytest.raises(ValueError, match=r"except the last one"):
        layers.MultiHeadAttention(2, 3)(
            kcore.Input((T, D)), kcore.Input((S, D)), kcore.Input((3, D))
        )


def test_flash_attention_refuses_scores():
    query, value, _, _, _ = _data()
    layer = layers.MultiHeadAttention(2, 3, flash_attention=True)
    with pytest.raises(ValueError, match="attention scores"):
        layer(query, value, return_attention_scores=True)


def test_dropout_changes_training_outputs_only():
    query, value, _, _, _ = _data()
    for layer, args in (
        (layers.MultiHeadAttention(2, 3, dropout=0.5, seed=3), (query, value)),
        (layers.GroupedQueryAttention(2, 2, 1, dropout=0.5, seed=3), (query, value)),
        (layers.Attention(dropout=0.5, seed=3), ([query, value],)),
    ):
        inference = _np(layer(*args))
        np.testing.assert_allclose(_np(layer(*args, training=False)), inference, rtol=1e-6)
        assert not np.allclose(_np(layer(*args, training=True)), inference)


def test_subclass_overriding_compute_attention_gets_the_materialized_causal_mask():
    class Recording(layers.MultiHeadAttention):
        def _compute_attention(
            self,
            query,
            key,
            value,
            attention_mask=None,
            training=None,
            return_attention_scores=False,
        ):
            self.seen = attention_mask
            return super()._compute_attention(
                query, key, value, attention_mask, training, return_attention_scores
            )

    query, value, _, _, _ = _data()
    ours, plain = Recording(2, 3), layers.MultiHeadAttention(2, 3)
    expected = plain(query, value, use_causal_mask=True)
    ours(query, value)
    ours.set_weights(plain.get_weights())
    _assert_all_close(ours(query, value, use_causal_mask=True), _np(expected))
    np.testing.assert_array_equal(_np(ours.seen), np.tril(np.ones((T, S), bool))[None])
