"""``Model.summary()``: Keras's table of layers, output shapes and parameter counts."""

from __future__ import annotations

import textwrap

__all__ = ["print_summary", "format_size"]


def format_size(num_bytes: float) -> str:
    """``1.55 MB`` style sizes (1024 base), as Keras prints them."""
    for unit in ("B", "KB", "MB", "GB"):
        if num_bytes < 1024 or unit == "GB":
            return f"{num_bytes:.2f} {unit}"
        num_bytes /= 1024
    return f"{num_bytes:.2f} TB"  # pragma: no cover


def _weights_bytes(weights) -> tuple[int, int]:
    count, size = 0, 0
    for w in weights:
        n = 1
        for d in w.shape:
            n *= d
        count += n
        bits = "".join(c for c in w.dtype if c.isdigit()) or "8"
        size += n * max(int(bits) // 8, 1)
    return count, size


def _shape_text(layer) -> str:
    tensors = []
    for node in getattr(layer, "_inbound_nodes", [])[-1:]:
        tensors = node.output_tensors
    if not tensors:
        return "?"
    shapes = [tuple(t.shape) for t in tensors]
    return str(shapes[0]) if len(shapes) == 1 else str(shapes)


def _connections(layer, kept_nodes) -> str:
    parts = []
    for node in layer._inbound_nodes:
        if id(node) not in kept_nodes:
            continue
        for t in node.input_tensors:
            parent, node_index, tensor_index = t._history
            parts.append(f"{parent.layer.name}[{node_index}][{tensor_index}]")
    return ", ".join(parts) if parts else "-"


def _layer_rows(model, expand_nested, show_trainable, prefix=""):
    from kcore._functional import Functional, InputLayer
    from kcore._sequential import Sequential

    graph = model._functional if isinstance(model, Sequential) else model
    functional = isinstance(graph, Functional)
    layers = model.layers if not isinstance(model, Sequential) else model.layers
    kept = {id(n) for n in graph._nodes} if functional else set()
    rows = []
    for layer in layers:
        name = f"{prefix}{layer.name} ({type(layer).__name__})"
        params = layer.count_params() if layer.built else 0
        trainable = "-" if not layer.weights else ("Y" if layer.trainable else "N")
        row = [name, _shape_text(layer), f"{params:,}"]
        if functional and not isinstance(model, Sequential):
            row.append(_connections(layer, kept) if not isinstance(layer, InputLayer) else "-")
        if show_trainable:
            row.append(trainable)
        rows.append(row)
        if expand_nested and hasattr(layer, "layers") and layer.layers:
            for sub in _layer_rows(layer, expand_nested, show_trainable, prefix + " └ "):
                sub += [""] * (len(row) - len(sub))
                rows.append(sub[: len(row)])
    return rows


def print_summary(
    model,
    line_length=None,
    positions=None,
    print_fn=None,
    expand_nested=False,
    show_trainable=False,
    layer_range=None,
):
    """Print (or pass to ``print_fn``) the summary table of ``model``."""
    from kcore._functional import Functional
    from kcore._sequential import Sequential

    print_fn = print_fn or print
    with_connections = isinstance(model, Functional) and not isinstance(model, Sequential)
    headers = ["Layer (type)", "Output Shape", "Param #"]
    if with_connections:
        headers.append("Connected to")
    if show_trainable:
        headers.append("Trainable")
    rows = _layer_rows(model, expand_nested, show_trainable)
    if layer_range is not None:
        names = [r[0].split(" (")[0] for r in rows]
        start, end = names.index(layer_range[0]), names.index(layer_range[1])
        rows = rows[start : end + 1]
    line_length = line_length or 76
    if positions is None:
        positions = [0.46, 0.79, 1.0] if not with_connections else [0.29, 0.55, 0.71, 1.0]
        if show_trainable:
            positions = [p * 0.9 for p in positions] + [1.0]
    elif positions[-1] <= 1:
        positions = list(positions)
    inner = line_length - (len(headers) + 1)
    if positions[-1] > 1:  # absolute positions, as Keras also accepts
        positions = [p / positions[-1] for p in positions]
    edges = [round(p * inner) for p in positions]
    widths = [max(edges[0], 4)] + [max(b - a, 4) for a, b in zip(edges, edges[1:])]
    widths[-1] += inner - sum(widths)
    right = {2}
    center = {len(headers) - 1} if show_trainable else set()

    def rule(left, mid, end, fill):
        return left + mid.join(fill * w for w in widths) + end

    def cells(values, bold=False):
        wrapped = [
            textwrap.wrap(v, w - 2, break_long_words=True) or [""] for v, w in zip(values, widths)
        ]
        height = max(len(c) for c in wrapped)
        bar = "┃" if bold else "│"
        lines = []
        for i in range(height):
            parts = []
            for col, (chunk, w) in enumerate(zip(wrapped, widths)):
                text = chunk[i] if i < len(chunk) else ""
                if col in right:
                    text = text.rjust(w - 2)
                elif col in center:
                    text = text.center(w - 2)
                else:
                    text = text.ljust(w - 2)
                parts.append(f" {text} ")
            lines.append(bar + bar.join(parts) + bar)
        return lines

    out = [f'Model: "{model.name}"', rule("┏", "┳", "┓", "━")]
    out += cells(headers, bold=True)
    out.append(rule("┡", "╇", "┩", "━"))
    for i, row in enumerate(rows):
        out += cells(row)
        if i != len(rows) - 1:
            out.append(rule("├", "┼", "┤", "─"))
    out.append(rule("└", "┴", "┘", "─"))
    total, total_bytes = _weights_bytes(model.weights)
    trainable, trainable_bytes = _weights_bytes(model.trainable_weights)
    out.append(f" Total params: {total:,} ({format_size(total_bytes)})")
    out.append(f" Trainable params: {trainable:,} ({format_size(trainable_bytes)})")
    out.append(
        f" Non-trainable params: {total - trainable:,} ({format_size(total_bytes - trainable_bytes)})"
    )
    for line in out:
        print_fn(line)
