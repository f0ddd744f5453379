"""``run_layer_test``: the one helper every layer family's tests call.

It checks, on the active backend: the config round trip (``get_config`` -> ``from_config``, and
``serialize_keras_object`` -> JSON -> ``deserialize_keras_object``), building, the output shape
and dtype of an eager call and of a symbolic call (on ``kcore.Input`` tensors, then through a
Functional model), weight counts, masks, losses, a gradient step on the trainable weights, and
that a layer rebuilt from its serialized config computes the same outputs with the same weights.

Example::

    from kcore.testing.layer_test import run_layer_test

    def test_dense():
        run_layer_test(
            kcore.layers.Dense,
            {"units": 3, "activation": "relu"},
            input_shape=(2, 4),
            expected_output_shape=(2, 3),
            expected_num_trainable_weights=2,
        )
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

__all__ = ["run_layer_test"]


def run_layer_test(
    layer_cls,
    init_kwargs,
    input_shape=None,
    input_dtype="float32",
    input_data=None,
    call_kwargs=None,
    expected_output_shape=None,
    expected_output_dtype=None,
    expected_output=None,
    expected_num_trainable_weights=None,
    expected_num_non_trainable_weights=None,
    expected_num_losses=None,
    expected_mask_shape=None,
    supports_masking=None,
    custom_objects=None,
    run_training_check=True,
    run_symbolic_check=True,
    run_serialization_check=True,
    run_mixed_precision_check=False,
    rtol=1e-5,
    atol=1e-5,
):
    """Check a layer class end to end; raises ``AssertionError`` naming the failed check.

    Args:
        layer_cls: the layer class.
        init_kwargs: constructor arguments.
        input_shape: the input shape with its batch dim (a tuple, or a list / dict of tuples
            for several inputs); ``None`` dims are not allowed. Derived from ``input_data`` if
            omitted. Keras's convention for layers taking several tensor arguments: a dict
            keyed ``<argument>_shape`` (``{"query_shape": ..., "value_shape": ...}``) builds
            with ``build(**input_shape)`` and calls ``layer(query=..., value=...)``.
        input_dtype: the dtype of generated inputs (floats: standard normal; ints: 0..9;
            bool: random). Ignored when ``input_data`` is given.
        input_data: explicit input arrays (same structure as ``input_shape``); a dict keyed
            by argument name (``{"query": ..., "value": ...}``) is passed as keyword arguments
            when ``input_shape`` is omitted or keyed ``<argument>_shape``.
        call_kwargs: extra keyword arguments for every call (``training=True``...).
        expected_output_shape: the output shape(s) of a call on ``input_shape``.
        expected_output_dtype: the output dtype; default: not checked.
        expected_output: expected output values of the eager call (checked to ``rtol``/``atol``).
        expected_num_trainable_weights: ``len(layer.trainable_weights)`` once built.
        expected_num_non_trainable_weights: ``len(layer.non_trainable_weights)`` once built.
        expected_num_losses: ``len(layer.losses)`` after one eager call.
        expected_mask_shape: the shape of ``layer.compute_mask(inputs)``.
        supports_masking: the expected value of ``layer.supports_masking``.
        custom_objects: passed to deserialization (for layers taking custom functions).
        run_training_check: take the gradient of a loss on the outputs with respect to the
            trainable weights (or the inputs, when there are none) and apply one SGD step.
        run_symbolic_check: call the layer on ``kcore.Input`` tensors and run a Functional
            model built from them.
        run_serialization_check: rebuild the layer from its serialized config and compare
            outputs with the same weights.
        run_mixed_precision_check: also run an eager call under ``dtype="mixed_bfloat16"``
            and check the output is bfloat16 while the weights stay float32.
        rtol: relative tolerance of value comparisons.
        atol: absolute tolerance of value comparisons.
    """
    import kcore

    call_kwargs = dict(call_kwargs or {})
    named = _is_named(input_shape, input_data)
    if named and input_shape is not None:
        input_shape = {k[: -len("_shape")]: v for k, v in input_shape.items()}
    if input_shape is None and input_data is not None:
        input_shape = _map_arrays(lambda a: tuple(np.shape(a)), input_data)
    deterministic = not call_kwargs.get("training")

    _check_config(layer_cls, init_kwargs, custom_objects)
    layer = layer_cls(**init_kwargs)
    if supports_masking is not None:
        _expect(
            bool(layer.supports_masking) == supports_masking,
            f"{layer_cls.__name__}.supports_masking is {layer.supports_masking}, expected "
            f"{supports_masking}",
        )
    if input_shape is None:
        return

    # Build from a shape alone.
    if named:
        layer.build(**{f"{k}_shape": tuple(v) for k, v in input_shape.items()})
    else:
        layer.build(input_shape)
    layer.built = True
    _check_weight_counts(
        layer, expected_num_trainable_weights, expected_num_non_trainable_weights, "build()"
    )
    layer.count_params()

    # Eager call.
    data = input_data if input_data is not None else _random_data(input_shape, input_dtype)
    if named:
        data = _Named(data)
    layer = layer_cls(**init_kwargs)
    outputs = _call(layer, data, call_kwargs)
    _check_outputs(outputs, expected_output_shape, expected_output_dtype, "eager call")
    _check_weight_counts(
        layer, expected_num_trainable_weights, expected_num_non_trainable_weights, "a call"
    )
    if expected_output is not None:
        _assert_close(outputs, expected_output, rtol, atol, "eager output vs expected_output")
    if expected_num_losses is not None:
        _expect(
            len(layer.losses) == expected_num_losses,
            f"{layer_cls.__name__}: {len(layer.losses)} losses after one call, expected "
            f"{expected_num_losses}",
        )
    if expected_mask_shape is not None:
        first = next(iter(data.values())) if named else data
        mask = layer.compute_mask(first, None)
        _expect(mask is not None, f"{layer_cls.__name__}.compute_mask returned None")
        got = tuple(kcore.ops.shape(mask))
        _expect(
            got == tuple(expected_mask_shape),
            f"{layer_cls.__name__}: mask shape {got}, expected {tuple(expected_mask_shape)}",
        )

    if run_symbolic_check:
        _check_symbolic(
            layer_cls,
            init_kwargs,
            input_shape,
            input_dtype if input_data is None else _dtype_struct(data),
            call_kwargs,
            data,
            layer if deterministic else None,
            expected_output_shape,
            expected_output_dtype,
            rtol,
            atol,
        )
    if run_serialization_check and deterministic:
        _check_revived_layer(layer, data, call_kwargs, custom_objects, rtol, atol)
    if run_training_check:
        _check_training_step(layer, data, call_kwargs)
    if run_mixed_precision_check:
        _check_mixed_precision(layer_cls, init_kwargs, data, call_kwargs)


# -- checks ---------------------------------------------------------------------------------------
def _check_config(layer_cls, init_kwargs, custom_objects):
    from kcore.saving import (
        CustomObjectScope,
        deserialize_keras_object,
        serialize_keras_object,
    )

    name = layer_cls.__name__
    layer = layer_cls(**init_kwargs)
    config = layer.get_config()
    # Not "trainable": Keras 3's SpatialDropout configs lack it (and its from_config refuses it).
    for key in ("name", "dtype"):
        _expect(key in config, f"{name}.get_config() lacks the base key {key!r}: {config}")
    try:
        as_json = _normalize(config)
    except TypeError as exc:
        raise AssertionError(f"{name}.get_config() is not JSON-serializable: {exc}") from exc
    with CustomObjectScope(custom_objects or {}):
        revived = layer_cls.from_config(json.loads(json.dumps(as_json)))
    revived_config = _normalize(revived.get_config())
    _expect(
        revived_config == as_json,
        f"{name}: from_config(get_config()) changed the config.\n"
        f"before: {as_json}\nafter:  {revived_config}",
    )
    serialized = json.loads(json.dumps(serialize_keras_object(layer)))
    _expect(
        serialized.get("class_name") == name,
        f"serialize_keras_object({name}) wrote class_name={serialized.get('class_name')!r}",
    )
    rebuilt = deserialize_keras_object(serialized, kind="layers", custom_objects=custom_objects)
    _expect(
        type(rebuilt) is layer_cls,
        f"deserialize_keras_object rebuilt a {type(rebuilt).__name__}, expected {name}",
    )
    _expect(
        _normalize(rebuilt.get_config()) == as_json,
        f"{name}: serialize/deserialize changed the config.\nbefore: {as_json}\n"
        f"after:  {_normalize(rebuilt.get_config())}",
    )


def _check_weight_counts(layer, trainable, non_trainable, when):
    name = type(layer).__name__
    if trainable is not None:
        got = len(layer.trainable_weights)
        _expect(
            got == trainable,
            f"{name}: {got} trainable weights after {when}, expected {trainable}: "
            f"{[w.path for w in layer.trainable_weights]}",
        )
    if non_trainable is not None:
        got = len(layer.non_trainable_weights)
        _expect(
            got == non_trainable,
            f"{name}: {got} non-trainable weights after {when}, expected {non_trainable}: "
            f"{[w.path for w in layer.non_trainable_weights]}",
        )


def _check_outputs(outputs, expected_shape, expected_dtype, where):
    from kcore import ops, tree
    from kcore.backend import standardize_dtype

    flat = tree.flatten(outputs)
    if expected_shape is not None:
        shapes = _flat_shapes(expected_shape)
        _expect(
            len(shapes) == len(flat),
            f"{where}: {len(flat)} outputs, expected {len(shapes)} (shapes {expected_shape})",
        )
        for out, shape in zip(flat, shapes):
            got = tuple(ops.shape(out))
            _expect(got == tuple(shape), f"{where}: output shape {got}, expected {tuple(shape)}")
    if expected_dtype is not None:
        for out in flat:
            got = ops.dtype(out)
            _expect(
                got == standardize_dtype(expected_dtype),
                f"{where}: output dtype {got}, expected {standardize_dtype(expected_dtype)}",
            )


def _check_symbolic(
    layer_cls,
    init_kwargs,
    input_shape,
    input_dtype,
    call_kwargs,
    data,
    eager_layer,
    expected_shape,
    expected_dtype,
    rtol,
    atol,
):
    import kcore

    # Fixed batch size: shapes must equal the eager ones exactly.
    layer = layer_cls(**init_kwargs)
    inputs = _symbolic_inputs(input_shape, input_dtype, keep_batch=True)
    if isinstance(data, _Named):
        inputs = _Named(inputs)
    outputs = _call(layer, inputs, call_kwargs)
    _expect_symbolic(outputs, "symbolic call")
    _check_outputs(outputs, expected_shape, expected_dtype, "symbolic call")

    # Unknown batch size, through a Functional model run on the real data.
    layer = layer_cls(**init_kwargs)
    inputs = _symbolic_inputs(input_shape, input_dtype, keep_batch=False)
    if isinstance(data, _Named):
        inputs = _Named(inputs)
    outputs = _call(layer, inputs, call_kwargs)
    _expect_symbolic(outputs, "symbolic call with batch size None")
    if expected_shape is not None:
        expected_none = [(None, *tuple(s)[1:]) for s in _flat_shapes(expected_shape)]
        got = [tuple(t.shape) for t in kcore.tree.flatten(outputs)]
        _expect(
            got == expected_none,
            f"symbolic call with batch size None: output shapes {got}, expected {expected_none}",
        )
    model = kcore.Model(dict(inputs) if isinstance(inputs, _Named) else inputs, outputs)
    if eager_layer is not None and eager_layer.weights:
        layer.set_weights(eager_layer.get_weights())
    # Other call arguments are recorded in the graph; only `training` is a model argument.
    model_kwargs = {k: v for k, v in call_kwargs.items() if k == "training"}
    model_outputs = model(dict(data) if isinstance(data, _Named) else data, **model_kwargs)
    _check_outputs(model_outputs, expected_shape, expected_dtype, "Functional model call")
    if eager_layer is not None:
        _assert_close(
            model_outputs,
            _call(eager_layer, data, call_kwargs),
            rtol,
            atol,
            "Functional model output vs eager layer output",
        )


def _check_revived_layer(layer, data, call_kwargs, custom_objects, rtol, atol):
    from kcore.saving import deserialize_keras_object, serialize_keras_object

    serialized = json.loads(json.dumps(serialize_keras_object(layer)))
    revived = deserialize_keras_object(serialized, kind="layers", custom_objects=custom_objects)
    _call(revived, data, call_kwargs)  # builds
    _expect(
        [w.name for w in revived.weights] == [w.name for w in layer.weights],
        f"revived layer weight names {[w.name for w in revived.weights]} differ from "
        f"{[w.name for w in layer.weights]}",
    )
    if layer.weights:
        revived.set_weights(layer.get_weights())
    _assert_close(
        _call(revived, data, call_kwargs),
        _call(layer, data, call_kwargs),
        rtol,
        atol,
        "revived layer output vs original output",
    )


def _check_training_step(layer, data, call_kwargs):
    import kcore
    from kcore import ops, tree
    from kcore.backend import get_backend

    backend = get_backend()
    name = type(layer).__name__
    variables = list(layer.trainable_weights)
    clear = getattr(layer, "_clear_losses", None)

    def loss_of(outputs):
        total = None
        for out in tree.flatten(outputs):
            if not ops.dtype(out).startswith(("float", "bfloat")):
                continue
            term = ops.mean(ops.square(ops.cast(out, "float32")))
            total = term if total is None else ops.add(total, term)
        for extra in layer.losses:
            extra = ops.cast(extra, "float32")
            total = extra if total is None else ops.add(total, extra)
        return total

    if variables:

        def loss_fn(*values):
            with kcore.StatelessScope(list(zip(variables, values))):
                if clear is not None:
                    clear()
                return loss_of(_call(layer, data, call_kwargs))

        values = [v.value for v in variables]
        grads = backend.gradient(loss_fn, *values)
        _expect(
            len(grads) == len(values), f"{name}: {len(grads)} gradients for {len(values)} weights"
        )
        nonzero = False
        for variable, grad in zip(variables, grads):
            _expect(grad is not None, f"{name}: no gradient for {variable.path}")
            g = np.asarray(ops.convert_to_numpy(grad), dtype="float64")
            _expect(
                g.shape == tuple(variable.shape),
                f"{name}: gradient of {variable.path} has shape {g.shape}, expected "
                f"{variable.shape}",
            )
            _expect(np.all(np.isfinite(g)), f"{name}: gradient of {variable.path} is not finite")
            nonzero = nonzero or bool(np.any(g != 0))
        _expect(nonzero, f"{name}: every gradient is zero; the weights do not affect the loss")
        for variable, grad in zip(variables, grads):
            before = variable.numpy()
            new = ops.subtract(variable.value, ops.multiply(ops.cast(grad, variable.dtype), 0.01))
            if getattr(variable, "constraint", None) is not None:
                new = variable.constraint(new)
            variable.assign(new)
            _expect(
                variable.numpy().shape == before.shape,
                f"{name}: the SGD step changed the shape of {variable.path}",
            )
        if clear is not None:
            clear()
        return
    # No weights: the outputs must still be differentiable with respect to float inputs.
    if isinstance(data, (list, tuple, dict)):
        return
    x = ops.convert_to_tensor(data)
    if not ops.dtype(x).startswith(("float", "bfloat")):
        return

    def input_loss(inputs):
        if clear is not None:
            clear()
        loss = loss_of(layer(inputs, **call_kwargs))
        return loss if loss is not None else ops.sum(ops.multiply(inputs, 0.0))

    (grad,) = backend.gradient(input_loss, x)
    g = np.asarray(ops.convert_to_numpy(grad))
    _expect(
        g.shape == tuple(ops.shape(x)),
        f"{name}: input gradient has shape {g.shape}, expected {tuple(ops.shape(x))}",
    )
    _expect(np.all(np.isfinite(g)), f"{name}: input gradient is not finite")
    if clear is not None:
        clear()


def _check_mixed_precision(layer_cls, init_kwargs, data, call_kwargs):
    from kcore import ops, tree

    name = layer_cls.__name__
    layer = layer_cls(**{**init_kwargs, "dtype": "mixed_bfloat16"})
    outputs = _call(layer, data, call_kwargs)
    for w in layer.weights:
        _expect(
            not w.dtype.startswith(("float", "bfloat")) or w.dtype == "float32",
            f"{name} under mixed_bfloat16: weight {w.path} is {w.dtype}, expected float32",
        )
    for out in tree.flatten(outputs):
        dtype = ops.dtype(out)
        _expect(
            not dtype.startswith(("float", "bfloat")) or dtype == "bfloat16",
            f"{name} under mixed_bfloat16: output dtype {dtype}, expected bfloat16",
        )


# -- helpers --------------------------------------------------------------------------------------
class _Named(dict):
    """Inputs passed to the layer as keyword arguments (``layer(query=..., value=...)``)."""


def _is_named(input_shape, input_data) -> bool:
    if isinstance(input_shape, dict):
        return bool(input_shape) and all(str(k).endswith("_shape") for k in input_shape)
    return input_shape is None and isinstance(input_data, dict)


def _call(layer, data, call_kwargs):
    if isinstance(data, _Named):
        return layer(**data, **call_kwargs)
    return layer(data, **call_kwargs)


def _expect(condition, message):
    if not condition:
        raise AssertionError(message)


def _expect_symbolic(outputs, where):
    from kcore import KerasTensor, tree

    for out in tree.flatten(outputs):
        _expect(
            isinstance(out, KerasTensor),
            f"{where} returned {type(out).__name__}, not a KerasTensor",
        )


def _normalize(config):
    """The config as JSON would give it back (tuples become lists)."""
    return json.loads(json.dumps(config))


def _is_shape(value) -> bool:
    return isinstance(value, (tuple, list)) and all(
        d is None or isinstance(d, (int, np.integer)) for d in value
    )


def _flat_shapes(shapes) -> list:
    if _is_shape(shapes):
        return [tuple(shapes)]
    if isinstance(shapes, dict):
        return [s for key in sorted(shapes) for s in _flat_shapes(shapes[key])]
    return [s for item in shapes for s in _flat_shapes(item)]


def _map_shapes(fn, shapes, *rest):
    if _is_shape(shapes):
        return fn(tuple(shapes), *rest)
    if isinstance(shapes, dict):
        return {
            k: _map_shapes(fn, v, *(r[k] if isinstance(r, dict) else r for r in rest))
            for k, v in shapes.items()
        }
    return [
        _map_shapes(fn, s, *(r[i] if isinstance(r, (list, tuple)) else r for r in rest))
        for i, s in enumerate(shapes)
    ]


def _map_arrays(fn, data):
    if isinstance(data, dict):
        return {k: _map_arrays(fn, v) for k, v in data.items()}
    if isinstance(data, (list, tuple)) and all(hasattr(v, "shape") for v in data):
        return [_map_arrays(fn, v) for v in data]
    return fn(data)


def _dtype_struct(data):
    from kcore.backend import standardize_dtype

    return _map_arrays(lambda a: standardize_dtype(getattr(a, "dtype", "float32")), data)


def _random_data(input_shape, dtype):
    rng = np.random.default_rng(1337)

    def make(shape, dtype):
        if any(d is None for d in shape):
            raise ValueError(f"run_layer_test: `input_shape` must be fully known, got {shape}")
        dtype = str(dtype)
        if dtype == "bool":
            return rng.random(shape) > 0.5
        if "int" in dtype:
            return rng.integers(0, 10, size=shape).astype(dtype)
        return rng.standard_normal(shape).astype(dtype)

    return _map_shapes(make, input_shape, dtype)


def _symbolic_inputs(input_shape, dtype, keep_batch: bool) -> Any:
    import kcore

    def make(shape, dtype):
        batch_shape = shape if keep_batch else (None, *shape[1:])
        return kcore.Input(batch_shape=batch_shape, dtype=dtype)

    return _map_shapes(make, input_shape, dtype)


def _assert_close(actual, expected, rtol, atol, what):
    from kcore import ops, tree

    actual_flat = tree.flatten(actual)
    expected_flat = (
        tree.flatten(expected) if isinstance(expected, (list, tuple, dict)) else [expected]
    )
    if len(expected_flat) != len(actual_flat) and len(actual_flat) == 1:
        expected_flat = [expected]
    _expect(
        len(actual_flat) == len(expected_flat),
        f"{what}: {len(actual_flat)} outputs vs {len(expected_flat)} expected",
    )
    for a, e in zip(actual_flat, expected_flat):
        a = ops.convert_to_numpy(a) if not isinstance(a, np.ndarray) else a
        e = ops.convert_to_numpy(e) if ops.is_tensor(e) else np.asarray(e)
        try:
            np.testing.assert_allclose(
                np.asarray(a, dtype="float64"), np.asarray(e, dtype="float64"), rtol=rtol, atol=atol
            )
        except AssertionError as exc:
            raise AssertionError(f"{what}: {exc}") from None
