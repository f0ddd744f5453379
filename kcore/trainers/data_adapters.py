"""Turning what users pass to ``fit`` / ``evaluate`` / ``predict`` into batches.

Built in: NumPy arrays (and nested lists/dicts of them), backend tensors, pandas objects, Python
generators and iterators, and :class:`kcore.utils.PyDataset`. Other types (``tf.data.Dataset``,
``torch.utils.data.DataLoader``) come from plugins through the ``kcore_data_adapters`` hook,
matched by qualified type name so kcore never imports a framework to check.

Everything is validated when the adapter is made, before any weight changes.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from kcore import tree

__all__ = [
    "make_adapter",
    "ArrayAdapter",
    "GeneratorAdapter",
    "PyDatasetAdapter",
    "unpack_x_y_sample_weight",
    "train_validation_split",
]


def unpack_x_y_sample_weight(data):
    """``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` -> the three (missing ones ``None``)."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data[0], data[1], data[2]
    raise ValueError(
        "Data should be a tuple (x,), (x, y) or (x, y, sample_weight). Received a tuple of "
        f"length {len(data)}."
    )


def _to_numpy(value, role):
    if value is None:
        return None
    if hasattr(value, "to_numpy") and hasattr(value, "columns") or type(value).__name__ == "Series":
        value = value.to_numpy()
    if isinstance(value, np.ndarray):
        array = value
    else:
        from kcore import ops

        if ops.is_tensor(value):
            array = ops.convert_to_numpy(value)
        else:
            try:
                array = np.asarray(value)
            except (ValueError, TypeError) as exc:
                raise ValueError(f"`{role}` could not be converted to an array: {exc}") from None
    if array.dtype == object or array.dtype.kind in "USV":
        raise ValueError(
            f"`{role}` must hold numbers; received an array of dtype {array.dtype} "
            f"(shape {array.shape}). Encode strings / objects as numbers first."
        )
    if array.dtype == np.float64:
        from kcore import config

        array = array.astype(config.floatx())
    return array


def _standardize(struct, role):
    if struct is None:
        return None
    if isinstance(struct, dict):
        return {k: _to_numpy(v, f"{role}[{k!r}]") for k, v in struct.items()}
    if (
        isinstance(struct, (list, tuple))
        and struct
        and not np.isscalar(struct[0])
        and (hasattr(struct[0], "shape") or isinstance(struct[0], (list, tuple, dict)))
    ):
        try:
            first_len = len(struct[0])
            ragged = any(len(s) != first_len for s in struct if hasattr(s, "__len__"))
        except TypeError:
            ragged = True
        if ragged or hasattr(struct[0], "shape"):
            return [_standardize(v, f"{role}[{i}]") for i, v in enumerate(struct)]
    return _to_numpy(struct, role)


def _num_samples(struct, role):
    lengths = {}
    for i, leaf in enumerate(tree.flatten(struct)):
        if leaf is None:
            continue
        if leaf.ndim == 0:
            raise ValueError(f"`{role}` must have a batch dimension; received a scalar.")
        lengths[i] = leaf.shape[0]
    if len(set(lengths.values())) > 1:
        raise ValueError(
            f"All arrays in `{role}` must have the same length. Received lengths {sorted(set(lengths.values()))}."
        )
    return next(iter(lengths.values()), None)


def class_weight_to_sample_weight(y, class_weight):
    """Per-sample weights from a ``{class: weight}`` dict (labels or one-hot ``y``)."""
    if isinstance(y, (dict, list)):
        raise ValueError("`class_weight` is only supported for models with a single output.")
    labels = (
        np.argmax(y, axis=-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(len(y), -1)[:, 0]
    )
    labels = labels.astype("int64")
    missing = sorted(set(np.unique(labels).tolist()) - set(class_weight))
    if missing:
        raise ValueError(
            f"`class_weight` has no weight for classes {missing}; expected a key for every class in `y`."
        )
    lookup = np.vectorize(lambda c: class_weight[int(c)], otypes=["float32"])
    return lookup(labels)


def train_validation_split(arrays, validation_split):
    """Split the last ``validation_split`` fraction off, before any shuffling (Keras)."""
    if not 0.0 < validation_split < 1.0:
        raise ValueError(f"`validation_split` must be in (0, 1). Received: {validation_split}")
    flat = [a for a in tree.flatten(arrays) if a is not None]
    if any(not isinstance(a, np.ndarray) for a in flat):
        raise ValueError(
            "`validation_split` is only supported for arrays and tensors, not generators or datasets; pass `validation_data` instead."
        )
    n = flat[0].shape[0]
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"`validation_split`={validation_split} leaves an empty training or validation set for {n} samples."
        )
    train = tree.map_structure(lambda a: None if a is None else a[:split_at], arrays)
    val = tree.map_structure(lambda a: None if a is None else a[split_at:], arrays)
    return train, val


class ArrayAdapter:
    """Batches of in-memory arrays; shuffles indices each epoch when asked."""

    def __init__(
        self,
        x,
        y=None,
        sample_weight=None,
        batch_size=None,
        steps=None,
        shuffle=False,
        class_weight=None,
    ):
        x = _standardize(x, "x")
        y = _standardize(y, "y")
        sample_weight = _standardize(sample_weight, "sample_weight")
        n_x = _num_samples(x, "x")
        if n_x is None:
            raise ValueError("`x` is empty: expected arrays with at least one sample.")
        if n_x == 0:
            raise ValueError(
                f"`x` has 0 samples (shape {tree.flatten(x)[0].shape}); expected at least one."
            )
        for other, role in ((y, "y"), (sample_weight, "sample_weight")):
            if other is None:
                continue
            n_other = _num_samples(other, role)
            if n_other != n_x:
                raise ValueError(
                    f"`x` and `{role}` must have the same number of samples. Received: x has {n_x}, {role} has {n_other}."
                )
        if class_weight is not None:
            if y is None:
                raise ValueError("`class_weight` needs `y`.")
            cw = class_weight_to_sample_weight(y, class_weight)
            sample_weight = cw if sample_weight is None else sample_weight * cw
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.num_samples = n_x
        self.batch_size = batch_size or 32
        if not isinstance(self.batch_size, int) or self.batch_size <= 0:
            raise ValueError(
                f"`batch_size` must be a positive integer. Received: batch_size={batch_size!r}"
            )
        self.shuffle = shuffle
        self.num_batches = math.ceil(n_x / self.batch_size)
        if steps is not None:
            self.num_batches = min(self.num_batches, steps) if steps > 0 else self.num_batches
        self._steps = steps

    def _take(self, idx):
        def take(a):
            return None if a is None else a[idx]

        parts = [tree.map_structure(take, self.x)]
        if self.y is not None or self.sample_weight is not None:
            parts.append(tree.map_structure(take, self.y) if self.y is not None else None)
        if self.sample_weight is not None:
            parts.append(tree.map_structure(take, self.sample_weight))
        return tuple(parts)

    def __iter__(self) -> Iterator[tuple]:
        n, bs = self.num_samples, self.batch_size
        if self.shuffle == "batch":
            order = np.arange(n)
            starts = np.random.permutation(math.ceil(n / bs)) * bs
        elif self.shuffle:
            order = np.random.permutation(n)
            starts = range(0, n, bs)
        else:
            order = None
            starts = range(0, n, bs)
        for count, start in enumerate(starts):
            if count >= self.num_batches:
                return
            if order is None:
                yield self._take(slice(start, start + bs))
            else:
                yield self._take(order[start : start + bs])

    def first_batch(self):
        return self._take(slice(0, min(self.batch_size, self.num_samples)))


class GeneratorAdapter:
    """Batches from a Python generator / iterator (each yields ``(x,)``, ``(x, y)`` or ``(x, y, sw)``).

    A generator can be consumed once: with ``steps`` each epoch takes that many batches from the
    same iterator; without it, the first epoch ends when the generator is exhausted.
    """

    def __init__(self, generator, steps=None):
        self._iterator = iter(generator)
        self.num_batches = steps
        self._peeked = None

    def first_batch(self):
        if self._peeked is None:
            try:
                self._peeked = _check_batch(next(self._iterator))
            except StopIteration:
                raise ValueError("The generator yielded no batches.") from None
        return self._peeked

    def __iter__(self):
        count = 0
        if self._peeked is not None:
            batch, self._peeked = self._peeked, None
            yield batch
            count += 1
        while self.num_batches is None or count < self.num_batches:
            try:
                batch = next(self._iterator)
            except StopIteration:
                return
            yield _check_batch(batch)
            count += 1


def _check_batch(batch):
    x, y, sw = unpack_x_y_sample_weight(batch)
    out = [_standardize(x, "x")]
    if y is not None or sw is not None:
        out.append(_standardize(y, "y"))
    if sw is not None:
        out.append(_standardize(sw, "sample_weight"))
    return tuple(out)


class PyDatasetAdapter:
    """Batches from a :class:`kcore.utils.PyDataset` (index access, ``on_epoch_end``, workers)."""

    def __init__(self, dataset, steps=None, shuffle=False):
        self.dataset = dataset
        length = len(dataset)
        self.num_batches = min(length, steps) if steps else length
        self.shuffle = shuffle

    def first_batch(self):
        return _check_batch(self.dataset[0])

    def __iter__(self):
        order = (
            np.random.permutation(len(self.dataset)) if self.shuffle else range(len(self.dataset))
        )
        order = list(order)[: self.num_batches]
        workers = getattr(self.dataset, "workers", 1) or 1
        if workers > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=workers) as pool:
                for batch in pool.map(self.dataset.__getitem__, order):
                    yield _check_batch(batch)
        else:
            for index in order:
                yield _check_batch(self.dataset[index])
        self.dataset.on_epoch_end()


class _PluginAdapter:
    def __init__(self, iterable_factory, steps=None):
        self._factory = iterable_factory
        self.num_batches = steps
        self._first = None

    def first_batch(self):
        if self._first is None:
            for batch in self._factory():
                self._first = _check_batch(batch)
                break
            else:
                raise ValueError("The dataset yielded no batches.")
        return self._first

    def __iter__(self):
        for count, batch in enumerate(self._factory()):
            if self.num_batches is not None and count >= self.num_batches:
                return
            yield _check_batch(batch)


def _qualified_names(obj):
    return {f"{c.__module__}.{c.__qualname__}" for c in type(obj).__mro__}


def _plugin_adapter(data):
    from kcore import plugins

    names = _qualified_names(data)
    for spec, _ in plugins.registry("data_adapters").values():
        if names & set(spec.handles):
            adapter = spec.resolve()
            return adapter
    return None


def make_adapter(
    x, y=None, sample_weight=None, batch_size=None, steps=None, shuffle=False, class_weight=None
):
    """An adapter for any supported input; raises ``ValueError`` for unsupported ones."""
    from kcore.utils import PyDataset

    if isinstance(x, PyDataset):
        _reject_extra(y, sample_weight, batch_size, "a PyDataset")
        return PyDatasetAdapter(x, steps=steps, shuffle=bool(shuffle))
    plugin = (
        _plugin_adapter(x)
        if x is not None and not isinstance(x, (np.ndarray, list, tuple, dict))
        else None
    )
    if plugin is not None:
        _reject_extra(y, sample_weight, None, type(x).__name__)
        return _PluginAdapter(lambda: plugin(x), steps=steps)
    if hasattr(x, "__next__") or (
        hasattr(x, "__iter__") and not hasattr(x, "__len__") and not hasattr(x, "shape")
    ):
        _reject_extra(y, sample_weight, batch_size, "a generator")
        return GeneratorAdapter(x, steps=steps)
    if x is None:
        raise ValueError("`x` is required: pass arrays, a generator, a PyDataset or a dataset.")
    return ArrayAdapter(
        x,
        y,
        sample_weight,
        batch_size=batch_size,
        steps=steps,
        shuffle=shuffle,
        class_weight=class_weight,
    )


def _reject_extra(y, sample_weight, batch_size, what):
    if y is not None:
        raise ValueError(
            f"`y` must not be passed when `x` is {what}: it should yield (x, y) batches itself."
        )
    if sample_weight is not None:
        raise ValueError(
            f"`sample_weight` must not be passed when `x` is {what}: yield (x, y, sample_weight) instead."
        )
    if batch_size is not None:
        raise ValueError(
            f"`batch_size` must not be passed when `x` is {what}: it produces batches itself."
        )


def batch_count(adapter) -> Any:
    return getattr(adapter, "num_batches", None)
