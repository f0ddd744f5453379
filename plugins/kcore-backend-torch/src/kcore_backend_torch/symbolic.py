"""Shape inference for symbolic ``KerasTensor`` inputs, with no FLOPs.

``fn`` runs on ``meta`` tensors (shapes and dtypes only). Unknown (``None``) dims are
substituted with two different sizes in two runs; output dims that differ between the runs are
unknown. Ops without meta kernels (or that read values, like ``nonzero``) fall back to real
tensors on the CPU with the same trick, run once with zeros and once with ones so that
value-dependent output sizes also come out unknown.

``None`` is a wildcard: when substituting one size for every unknown dim makes ``fn`` fail
(``(None, 4) @ (None, 5)``: the second ``None`` must be 4), a small bounded search tries other
assignments -- an unknown dim taking a size seen elsewhere in the inputs, or a known leading dim
of an input without unknown dims becoming unknown too (targets ``(4,)`` next to logits
``(None, 5)``). The first assignment that runs wins; if none does, the error of the plain
substitution is raised.
"""

from __future__ import annotations

import itertools

import torch

from kcore import tree
from kcore._symbolic import KerasTensor
from kcore_backend_torch._convert import DTYPE_NAMES, TORCH_DTYPES

_SIZES = (83, 89)
_VAR = "var"  # placeholder for "this dim takes the substituted size"
_MAX_PLANS = 200


def _materialize(leaves, plan, size, device, fill):
    out = list(leaves)
    for i, dims in plan.items():
        shape = [size if d is _VAR else d for d in dims]
        dtype = TORCH_DTYPES.get(leaves[i].dtype, torch.float32)
        if device == "meta":
            out[i] = torch.empty(shape, dtype=dtype, device="meta")
        else:
            out[i] = torch.full(shape, fill, dtype=dtype)
    return out


def _run(fn, structure, leaves, plan, size, device, fill=0):
    args, kwargs = tree.pack_sequence_as(structure, _materialize(leaves, plan, size, device, fill))
    if device == "meta":
        with torch.device("meta"), torch.no_grad():
            return fn(*args, **kwargs)
    with torch.no_grad():
        return fn(*args, **kwargs)


def _runs(fn, structure, leaves, plan, size):
    """Outputs for one size: one meta run, or two CPU runs (zeros, ones) if meta fails."""
    try:
        return [_run(fn, structure, leaves, plan, size, "meta")]
    except (ValueError, TypeError):
        raise
    except Exception:  # noqa: BLE001 - no meta kernel / value-dependent op: use real tensors
        return [
            _run(fn, structure, leaves, plan, size, "cpu", 0),
            _run(fn, structure, leaves, plan, size, "cpu", 1),
        ]


def _plans(leaves, base):
    """Candidate assignments of the unknown dims, most natural first (bounded)."""
    yield base
    known = []
    for dims in base.values():
        for d in dims:
            if d is not _VAR and d not in known:
                known.append(d)
    promoted = {
        i: ([_VAR, *dims[1:]] if dims and _VAR not in dims else dims) for i, dims in base.items()
    }
    if promoted != base:
        yield promoted
    slots = [(i, a) for i, dims in base.items() for a, d in enumerate(dims) if d is _VAR]
    count = 0
    seen = set()
    for start in (base, promoted):
        for r in (1, 2):
            for chosen in itertools.combinations(slots, r):
                options = [[d for d in base[i] if d is not _VAR] + known for i, _ in chosen]
                for values in itertools.product(*options):
                    plan = {i: list(dims) for i, dims in start.items()}
                    for (i, a), v in zip(chosen, values):
                        plan[i][a] = v
                    key = tuple((i, tuple(map(str, dims))) for i, dims in sorted(plan.items()))
                    if key in seen:
                        continue
                    seen.add(key)
                    count += 1
                    if count > _MAX_PLANS:
                        return
                    yield plan


def _merge(flats):
    """One KerasTensor per output position; dims that differ between runs become None."""
    out = []
    for i, x in enumerate(flats[0]):
        if not isinstance(x, torch.Tensor):
            out.append(x)
            continue
        shape = list(x.shape)
        for other in flats[1:]:
            o = other[i] if i < len(other) else None
            if not isinstance(o, torch.Tensor) or o.ndim != x.ndim:
                shape = [None] * x.ndim
                break
            shape = [d if d == od else None for d, od in zip(shape, o.shape)]
        out.append(KerasTensor(tuple(shape), dtype=DTYPE_NAMES[x.dtype]))
    return out


def compute_output_spec(fn, *args, **kwargs):
    """``KerasTensor`` outputs of ``fn(*args, **kwargs)`` for symbolic inputs.

    Args may nest KerasTensors in lists / tuples / dicts; non-tensor outputs are returned as is.
    """
    structure = (args, kwargs)
    leaves = tree.flatten(structure)
    base = {
        i: [_VAR if d is None else d for d in leaf.shape]
        for i, leaf in enumerate(leaves)
        if isinstance(leaf, KerasTensor)
    }
    if not any(_VAR in dims for dims in base.values()):
        runs = _runs(fn, structure, leaves, base, _SIZES[0])
    else:
        first_error = None
        for plan in _plans(leaves, base):
            try:
                runs = _runs(fn, structure, leaves, plan, _SIZES[0])
                runs += _runs(fn, structure, leaves, plan, _SIZES[1])
                break
            except Exception as exc:  # noqa: BLE001 - try the next assignment
                if first_error is None:
                    first_error = exc
        else:
            raise first_error
    first = runs[0]
    specs = _merge([tree.flatten(r) for r in runs])
    if not tree.is_nested(first):
        return specs[0]
    return tree.pack_sequence_as(first, specs)
