"""``kcore.ops``: the one vocabulary layers, losses, metrics and optimizers compute with.

Names, arguments and defaults follow ``keras.ops``. Each function here is a thin front end
generated from :mod:`kcore.ops._table`: it checks only its tensor arguments for a symbolic
:class:`kcore.KerasTensor` (one type test each) and otherwise calls the active backend's
implementation directly, so an eager call costs one extra Python frame over the framework call.

Sub-namespaces mirror Keras: ``kcore.ops.numpy``, ``kcore.ops.nn``, ``kcore.ops.linalg``,
``kcore.ops.image``, ``kcore.ops.core``.
"""

from __future__ import annotations

import builtins
import re
import sys
import types

from kcore import tree as _tree
from kcore._symbolic import KerasTensor as _KT
from kcore.backend import _selection
from kcore.backend.dtypes import result_type
from kcore.ops import _checks
from kcore.ops._table import TABLE

GROUPS: dict[str, list[str]] = {}
#: op name -> list of (parameter name, marker) in signature order.
SIGNATURES: dict[str, list[tuple[str, str]]] = {}


class _Unbound:
    """Stands in for the backend's op table until a backend is loaded."""

    def __getattr__(self, name):
        _selection.get_backend()  # loads and binds via the listener below
        impl = _namespace["_impl"]
        if impl is self:  # pragma: no cover - get_backend always binds or raises
            raise RuntimeError("kcore.ops could not bind a backend.")
        return getattr(impl, name)


_namespace: dict[str, object] = {"_impl": _Unbound(), "_KT": _KT}


def _has_symbolic_tree(x) -> bool:
    if isinstance(x, _KT):
        return True
    if isinstance(x, (list, tuple, dict)):
        return builtins.any(isinstance(v, _KT) for v in _tree.flatten(x))
    return False


def _symbolic(name, args, kwargs):
    backend = _selection.get_backend()
    fn = backend.ops.get(name)
    if fn is None:
        raise NotImplementedError(_missing_message(name, backend.name))
    try:
        return backend.compute_output_spec(fn, *args, **kwargs)
    except (ValueError, TypeError, IndexError, RuntimeError) as exc:
        raise _checks.explain(name, exc, args, kwargs)  # noqa: B904 - context is kept


def _explain(name, exc, args, kwargs):
    return _checks.explain(name, exc, args, kwargs)


def _missing_message(name: str, backend_name: str) -> str:
    return (
        f"kcore.ops.{name} is not implemented by the {backend_name!r} backend. Use another "
        "backend (kcore.config.set_backend) or open an issue with the backend plugin."
    )


_namespace.update(
    _symbolic=_symbolic,
    _has_symbolic_tree=_has_symbolic_tree,
    _explain=_explain,
)

_PARAM = re.compile(r"^(\*\*|\*)?(@@|@|%)?([A-Za-z_][A-Za-z0-9_]*)(=.*)?$")


def _split_params(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        parts.append(current.strip())
    return parts


def _generate(line: str) -> tuple[str, str]:
    name, _, rest = line.partition("(")
    params = _split_params(rest[:-1])
    sig_parts, call_parts, checks, spec = [], [], [], []
    kw_only = False
    for param in params:
        if param == "*":
            sig_parts.append("*")
            kw_only = True
            continue
        match = _PARAM.match(param)
        if match is None:  # pragma: no cover - table is static
            raise ValueError(f"bad op table entry {line!r}")
        star, marker, pname, default = match.groups()
        marker = marker or ""
        sig_parts.append(f"{star or ''}{pname}{default or ''}")
        spec.append((pname, marker))
        if star == "*":
            call_parts.append(f"*{pname}")
            kw_only = True
            if marker:
                checks.append(f"_has_symbolic_tree({pname})")
        elif star == "**":
            call_parts.append(f"**{pname}")
        else:
            call_parts.append(f"{pname}={pname}" if kw_only else pname)
            if marker == "@":
                checks.append(f"isinstance({pname}, _KT)")
            elif marker in ("@@", "%"):
                checks.append(f"_has_symbolic_tree({pname})")
    SIGNATURES[name] = spec
    args = ", ".join(call_parts)
    arg_tuple = ", ".join(p for p in call_parts if not p.startswith("*") and "=" not in p)
    kw_pairs = ", ".join(f"{p.split('=')[0]!r}: {p.split('=')[0]}" for p in call_parts if "=" in p)
    varargs = next(
        (p[1:] for p in call_parts if p.startswith("*") and not p.startswith("**")), None
    )
    varkw = next((p[2:] for p in call_parts if p.startswith("**")), None)
    args_expr = f"({arg_tuple},)" if arg_tuple else "()"
    if varargs:  # noqa: SIM102
        args_expr = f"{args_expr} + tuple({varargs})"
    kwargs_expr = "{" + kw_pairs + "}"
    if varkw:
        kwargs_expr = f"{{**{kwargs_expr}, **{varkw}}}"
    body = [f"def {name}({', '.join(sig_parts)}):"]
    if checks:
        body.append(f"    if {' or '.join(checks)}:")
        body.append(f"        return _symbolic({name!r}, {args_expr}, {kwargs_expr})")
    body.append("    try:")
    body.append(f"        return _impl.{name}({args})")
    body.append("    except (ValueError, TypeError, IndexError, RuntimeError) as exc:")
    body.append(f"        raise _explain({name!r}, exc, {args_expr}, {kwargs_expr})")
    return name, "\n".join(body)


def _build() -> None:
    group = None
    sources = []
    for raw in TABLE.strip().splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("["):
            group = line[1:-1]
            GROUPS[group] = []
            continue
        name, source = _generate(line)
        GROUPS[group].append(name)
        sources.append(source)
    exec(compile("\n\n".join(sources), "<kcore.ops generated>", "exec"), _namespace)  # noqa: S102
    for group_name, names in GROUPS.items():
        for op_name in names:
            fn = _namespace[op_name]
            fn.__module__ = f"kcore.ops.{group_name}"
            fn.__qualname__ = op_name
            fn.__doc__ = (
                f"``kcore.ops.{op_name}``: Keras 3's ``keras.ops.{op_name}`` on the active "
                "backend; symbolic inputs give symbolic outputs."
            )


_build()


def _bind(backend) -> None:
    """Point every front-end function at ``backend``'s implementations."""
    table = dict(backend.ops)
    for name in SIGNATURES:
        if name not in table:
            table[name] = _make_missing(name, backend.name)
    _namespace["_impl"] = types.SimpleNamespace(**table)


def _make_missing(name: str, backend_name: str):
    def missing(*args, **kwargs):
        raise NotImplementedError(_missing_message(name, backend_name))

    return missing


_selection.on_backend_loaded(_bind)
if _selection._active is not None:
    _bind(_selection._active)


# -- ops whose symbolic answer needs no backend ---------------------------------------------------
def shape(x):
    """The shape of ``x`` as a tuple (``None`` for unknown dims of a symbolic tensor)."""
    if isinstance(x, _KT):
        return x.shape
    return _namespace["_impl"].shape(x)


def dtype(x):
    """The standardized dtype name of ``x``."""
    if isinstance(x, _KT):
        return x.dtype
    return _namespace["_impl"].dtype(x)


def ndim(x):
    """The rank of ``x``."""
    if isinstance(x, _KT):
        return x.ndim
    return _namespace["_impl"].ndim(x)


def is_tensor(x):
    """Whether ``x`` is a native tensor of the active backend."""
    if isinstance(x, _KT):
        return False
    return _namespace["_impl"].is_tensor(x)


def convert_to_numpy(x):
    """A NumPy array holding the value of ``x``."""
    if isinstance(x, _KT):
        raise TypeError(
            f"Cannot convert a symbolic KerasTensor ({x!r}) to NumPy: it holds no values."
        )
    return _namespace["_impl"].convert_to_numpy(x)


for _fn in (shape, dtype, ndim, is_tensor, convert_to_numpy):
    _fn.__module__ = "kcore.ops.core" if _fn.__name__ != "ndim" else "kcore.ops.numpy"
    _namespace[_fn.__name__] = _fn

_namespace["result_type"] = result_type
GROUPS["core"].append("result_type")

__all__ = sorted({n for names in GROUPS.values() for n in names})
globals().update({n: _namespace[n] for n in __all__})

for _group_name, _names in GROUPS.items():
    _module = types.ModuleType(f"kcore.ops.{_group_name}", f"kcore.ops {_group_name} ops.")
    _module.__dict__.update({n: _namespace[n] for n in _names})
    _module.__all__ = list(_names)
    sys.modules[_module.__name__] = _module
    globals()[_group_name] = _module
