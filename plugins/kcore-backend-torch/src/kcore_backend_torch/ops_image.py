"""``kcore.ops.image`` on torch: colour spaces, resizing, geometric transforms, patches.

Images are 3-D (one image) or 4-D (a batch) in ``data_format`` (default
``kcore.config.image_data_format()``). Internally everything runs on NCHW batches; sampling for
geometric transforms is an explicit gather so the ``fill_mode`` rules (``constant``,
``nearest``, ``wrap``, ``reflect``, ``mirror``) are exact.
"""

from __future__ import annotations

import builtins
import math

import torch
import torch.nn.functional as F

from kcore import config
from kcore_backend_torch._convert import (
    Tensor,
    floatx_torch,
    to_float,
    to_tensor,
)
from kcore_backend_torch.ops_nn import _pad_spatial, _same_pads


def _fmt(data_format):
    fmt = config.image_data_format() if data_format is None else data_format
    if fmt not in ("channels_last", "channels_first"):
        raise ValueError(
            f"`data_format` must be 'channels_last' or 'channels_first', received {data_format!r}."
        )
    return fmt


def _to_nchw(images, data_format, op, ranks=(3, 4)):
    """``(x NCHW, restore)`` where ``restore`` maps an NCHW result back to the input layout."""
    fmt = _fmt(data_format)
    x = to_tensor(images)
    if x.ndim not in ranks:
        raise ValueError(
            f"{op}: `images` must be 3-D (one image) or 4-D (a batch), received shape "
            f"{tuple(x.shape)}."
        )
    unbatched = x.ndim == 3
    if unbatched:
        x = x.unsqueeze(0)
    if fmt == "channels_last":
        x = x.permute(0, 3, 1, 2)

    def restore(y):
        if fmt == "channels_last":
            y = y.permute(0, 2, 3, 1)
        return y[0] if unbatched else y

    return x, restore


# -- colour --------------------------------------------------------------------------------------
def rgb_to_grayscale(images, data_format=None):
    """Luma ``0.2989 R + 0.587 G + 0.114 B`` with one output channel."""
    x, restore = _to_nchw(images, data_format, "rgb_to_grayscale")
    dtype = x.dtype
    xf = x.to(floatx_torch()) if not x.is_floating_point() else x
    weights = torch.tensor([0.2989, 0.5870, 0.1140], dtype=xf.dtype).reshape(1, 3, 1, 1)
    gray = torch.sum(xf * weights, dim=1, keepdim=True)
    return restore(gray.to(dtype) if not x.is_floating_point() else gray)


def rgb_to_hsv(images, data_format=None):
    """RGB in [0, 1] to HSV in [0, 1]."""
    x, restore = _to_nchw(images, data_format, "rgb_to_hsv")
    if not x.is_floating_point():
        raise TypeError(f"rgb_to_hsv: `images` must be float, received dtype {x.dtype}.")
    r, g, b = x[:, 0], x[:, 1], x[:, 2]
    value = torch.amax(x, dim=1)
    minimum = torch.amin(x, dim=1)
    rng = value - minimum
    safe_value = torch.where(value > 0, value, torch.ones_like(value))
    saturation = torch.where(value > 0, rng / safe_value, torch.zeros_like(value))
    safe_rng = torch.where(rng > 0, rng, torch.ones_like(rng))
    hr = (g - b) / safe_rng
    hg = 2.0 + (b - r) / safe_rng
    hb = 4.0 + (r - g) / safe_rng
    hue = torch.where(value == r, hr, torch.where(value == g, hg, hb))
    hue = torch.where(rng > 0, hue, torch.zeros_like(hue))
    hue = torch.remainder(hue / 6.0, 1.0)
    return restore(torch.stack([hue, saturation, value], dim=1))


def hsv_to_rgb(images, data_format=None):
    """HSV in [0, 1] to RGB in [0, 1]."""
    x, restore = _to_nchw(images, data_format, "hsv_to_rgb")
    if not x.is_floating_point():
        raise TypeError(f"hsv_to_rgb: `images` must be float, received dtype {x.dtype}.")
    h, s, v = x[:, 0], x[:, 1], x[:, 2]
    dh = torch.remainder(h, 1.0) * 6.0
    r = torch.clamp(torch.abs(dh - 3.0) - 1.0, 0.0, 1.0)
    g = torch.clamp(2.0 - torch.abs(dh - 2.0), 0.0, 1.0)
    b = torch.clamp(2.0 - torch.abs(dh - 4.0), 0.0, 1.0)
    rgb = torch.stack([r, g, b], dim=1)
    return restore((((rgb - 1.0) * s.unsqueeze(1)) + 1.0) * v.unsqueeze(1))


# -- cropping / padding / resizing ---------------------------------------------------------------
def _infer(before, after, target, size, what):
    if before is None and after is None and target is None:
        return 0, 0
    if target is None:
        before = before or 0
        after = after or 0
        return before, after
    if before is None and after is None:
        raise ValueError(f"Give `top_{what}` / `left_{what}` or the opposite side with a target.")
    if before is None:
        before = target - size - after if what == "padding" else size - target - after
    elif after is None:
        after = target - size - before if what == "padding" else size - target - before
    return before, after


def pad_images(
    images,
    top_padding=None,
    left_padding=None,
    bottom_padding=None,
    right_padding=None,
    target_height=None,
    target_width=None,
    data_format=None,
):
    """Zero-pad images to the requested borders / target size."""
    x, restore = _to_nchw(images, data_format, "pad_images")
    h, w = x.shape[2], x.shape[3]
    top, bottom = _infer(top_padding, bottom_padding, target_height, h, "padding")
    left, right = _infer(left_padding, right_padding, target_width, w, "padding")
    if builtins.min(top, bottom, left, right) < 0:
        raise ValueError(
            "pad_images: padding must be non-negative; the target size is smaller than the image "
            f"(image {h}x{w}, target {target_height}x{target_width})."
        )
    if target_height is not None and top + bottom + h != target_height:
        raise ValueError("pad_images: the paddings do not add up to `target_height`.")
    if target_width is not None and left + right + w != target_width:
        raise ValueError("pad_images: the paddings do not add up to `target_width`.")
    return restore(F.pad(x, (left, right, top, bottom)))


def crop_images(
    images,
    top_cropping=None,
    left_cropping=None,
    bottom_cropping=None,
    right_cropping=None,
    target_height=None,
    target_width=None,
    data_format=None,
):
    """Crop images by the given borders / to a target size."""
    x, restore = _to_nchw(images, data_format, "crop_images")
    h, w = x.shape[2], x.shape[3]
    top, bottom = _infer(top_cropping, bottom_cropping, target_height, h, "cropping")
    left, right = _infer(left_cropping, right_cropping, target_width, w, "cropping")
    if builtins.min(top, bottom, left, right) < 0 or top + bottom >= h + 1 or left + right > w:
        raise ValueError(
            f"crop_images: the croppings ({top}, {bottom}, {left}, {right}) do not fit the image "
            f"of size {h}x{w}."
        )
    return restore(x[:, :, top : h - bottom, left : w - right])


def resize(
    images,
    size,
    interpolation="bilinear",
    antialias=False,
    crop_to_aspect_ratio=False,
    pad_to_aspect_ratio=False,
    fill_mode="constant",
    fill_value=0.0,
    data_format=None,
):
    """Resize images to ``size = (height, width)`` with half-pixel centres."""
    if interpolation not in ("nearest", "bilinear", "bicubic", "area", "lanczos3", "lanczos5"):
        raise ValueError(
            "resize: `interpolation` must be 'nearest', 'bilinear', 'bicubic' or 'area', "
            f"received {interpolation!r}."
        )
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(
            "resize: only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` can be True."
        )
    size = tuple(int(s) for s in size)
    if len(size) != 2:
        raise ValueError(f"resize: `size` must be (height, width), received {size!r}.")
    x, restore = _to_nchw(images, data_format, "resize")
    dtype = x.dtype
    if not x.is_floating_point():
        x = x.to(floatx_torch())
    th, tw = size
    h, w = x.shape[2], x.shape[3]
    if crop_to_aspect_ratio:
        crop_h = builtins.min(h, int(round(w * th / tw)))
        crop_w = builtins.min(w, int(round(h * tw / th)))
        top = (h - crop_h) // 2
        left = (w - crop_w) // 2
        x = x[:, :, top : top + crop_h, left : left + crop_w]
    elif pad_to_aspect_ratio:
        pad_h = builtins.max(h, int(round(w * th / tw)))
        pad_w = builtins.max(w, int(round(h * tw / th)))
        top = (pad_h - h) // 2
        left = (pad_w - w) // 2
        x = F.pad(x, (left, pad_w - w - left, top, pad_h - h - top), value=float(fill_value))
    mode = {
        "nearest": "nearest-exact",
        "bilinear": "bilinear",
        "area": "area",
    }
    # Bicubic is Keys' cubic (a=-0.5) with edge renormalization, as jax / TF / Keras's NumPy
    # backend compute it; F.interpolate's bicubic uses a=-0.75 and clamps at the edges.
    if interpolation in ("bicubic", "lanczos3", "lanczos5"):
        out = _resample(x, (th, tw), interpolation, antialias)
    elif interpolation in ("nearest", "area"):
        out = F.interpolate(x, size=size, mode=mode[interpolation])
    else:
        out = F.interpolate(
            x, size=size, mode=mode[interpolation], align_corners=False, antialias=antialias
        )
    if not dtype.is_floating_point:
        info = torch.iinfo(dtype) if dtype is not torch.bool else None
        out = torch.round(out)
        if info is not None:
            out = torch.clamp(out, info.min, info.max)
    return restore(out.to(dtype))


# -- resampling kernels (scale_and_translate) ----------------------------------------------------
def _kernel(method):
    def triangle(t):
        return torch.clamp(1.0 - torch.abs(t), min=0.0)

    def keys_cubic(t):
        t = torch.abs(t)
        a = -0.5
        out = torch.where(
            t <= 1.0,
            ((a + 2) * t - (a + 3)) * t * t + 1,
            torch.where(t < 2.0, ((a * t - 5 * a) * t + 8 * a) * t - 4 * a, torch.zeros_like(t)),
        )
        return out

    def lanczos(radius):
        def k(t):
            out = torch.sinc(t) * torch.sinc(t / radius)
            return torch.where(torch.abs(t) < radius, out, torch.zeros_like(t))

        return k

    def box(t):
        return torch.where((t >= -0.5) & (t < 0.5), torch.ones_like(t), torch.zeros_like(t))

    kernels = {
        "linear": triangle,
        "bilinear": triangle,
        "trilinear": triangle,
        "triangle": triangle,
        "cubic": keys_cubic,
        "bicubic": keys_cubic,
        "tricubic": keys_cubic,
        "lanczos3": lanczos(3.0),
        "lanczos5": lanczos(5.0),
        "nearest": box,
    }
    if method not in kernels:
        raise ValueError(f"scale_and_translate: unknown `method` {method!r}.")
    return kernels[method]


def _weight_matrix(in_size, out_size, scale, translation, kernel, antialias, dtype):
    """``(out_size, in_size)`` resampling weights for one spatial dim.

    ``scale`` / ``translation`` may be floats or 0-d tensors (tensors keep this meta-friendly).
    """
    inv_scale = 1.0 / scale
    if isinstance(inv_scale, Tensor):
        kernel_scale = torch.clamp(inv_scale, min=1.0) if antialias else 1.0
    else:
        kernel_scale = builtins.max(inv_scale, 1.0) if antialias else 1.0
    sample = (torch.arange(out_size, dtype=dtype) + 0.5 - translation) * inv_scale - 0.5
    grid = torch.arange(in_size, dtype=dtype)
    weights = kernel((grid[None, :] - sample[:, None]) / kernel_scale)
    total = torch.sum(weights, dim=1, keepdim=True)
    weights = torch.where(
        torch.abs(total) > 1000 * torch.finfo(dtype).eps,
        weights / torch.where(total == 0, torch.ones_like(total), total),
        torch.zeros_like(weights),
    )
    inside = (sample >= -0.5) & (sample <= in_size - 0.5)
    return torch.where(inside[:, None], weights, torch.zeros_like(weights))


def _resample(x, size, method, antialias):
    """Separable resampling of the last two axes of NCHW ``x`` to ``size``."""
    kernel = _kernel(method)
    out = x
    for axis, n_out in zip((2, 3), size):
        n_in = out.shape[axis]
        w = _weight_matrix(n_in, n_out, n_out / n_in, 0.0, kernel, antialias, torch.float32)
        out = torch.movedim(
            torch.tensordot(torch.movedim(out, axis, -1), w.to(out.dtype).T, 1), -1, axis
        )
    return out


def scale_and_translate(
    images, output_shape, scale, translation, spatial_dims, method, antialias=True
):
    """Resample ``images`` so that input location ``x`` lands at ``x * scale + translation``."""
    x = to_float(images)
    compute = torch.float64 if x.dtype == torch.float64 else torch.float32
    scale = to_tensor(scale).to(compute).reshape(-1)
    translation = to_tensor(translation).to(compute).reshape(-1)
    kernel = _kernel(method)
    out = x.to(compute)
    output_shape = tuple(int(d) for d in output_shape)
    for i, axis in enumerate(spatial_dims):
        axis = int(axis) % x.ndim
        w = _weight_matrix(
            out.shape[axis],
            output_shape[axis],
            scale[i],
            translation[i],
            kernel,
            antialias,
            compute,
        )
        out = torch.movedim(torch.tensordot(torch.movedim(out, axis, -1), w.T, 1), -1, axis)
    return out.to(x.dtype)


# -- geometric sampling --------------------------------------------------------------------------
def _fill_index(idx, size, fill_mode):
    """Map integer coordinates ``idx`` into ``[0, size)`` by ``fill_mode`` and return validity."""
    if fill_mode == "constant":
        valid = (idx >= 0) & (idx < size)
        return idx.clamp(0, size - 1), valid
    if fill_mode == "nearest":
        return idx.clamp(0, size - 1), None
    if fill_mode == "wrap":
        return torch.remainder(idx, size), None
    if fill_mode == "reflect":  # (d c b a | a b c d | d c b a)
        if size == 1:
            return torch.zeros_like(idx), None
        period = 2 * size
        m = torch.remainder(idx, period)
        return torch.where(m >= size, period - 1 - m, m), None
    if fill_mode == "mirror":  # (d c b | a b c d | c b a)
        if size == 1:
            return torch.zeros_like(idx), None
        period = 2 * (size - 1)
        m = torch.remainder(idx, period)
        return torch.where(m >= size, period - m, m), None
    raise ValueError(
        "`fill_mode` must be 'constant', 'nearest', 'wrap', 'reflect' or 'mirror', received "
        f"{fill_mode!r}."
    )


def _sample(x, ys, xs, interpolation, fill_mode, fill_value):
    """Sample NCHW ``x`` at float coordinates ``ys, xs`` of shape ``(N, H', W')``."""
    n, c, h, w = x.shape
    flat = x.reshape(n, c, h * w)

    def gather(yi, xi):
        yc, vy = _fill_index(yi, h, fill_mode)
        xc, vx = _fill_index(xi, w, fill_mode)
        index = (yc * w + xc).reshape(n, 1, -1).expand(n, c, -1)
        vals = torch.gather(flat, 2, index).reshape(n, c, *yi.shape[1:])
        if fill_mode == "constant":
            valid = (vy & vx).unsqueeze(1)
            vals = torch.where(valid, vals, torch.full_like(vals, float(fill_value)))
        return vals

    if interpolation == "nearest":
        return gather(torch.round(ys).long(), torch.round(xs).long())
    if interpolation != "bilinear":
        raise ValueError(
            f"`interpolation` must be 'nearest' or 'bilinear', received {interpolation!r}."
        )
    y0 = torch.floor(ys)
    x0 = torch.floor(xs)
    wy = (ys - y0).unsqueeze(1).to(x.dtype)
    wx = (xs - x0).unsqueeze(1).to(x.dtype)
    y0, x0 = y0.long(), x0.long()
    top = gather(y0, x0) * (1 - wx) + gather(y0, x0 + 1) * wx
    bottom = gather(y0 + 1, x0) * (1 - wx) + gather(y0 + 1, x0 + 1) * wx
    return top * (1 - wy) + bottom * wy


def _apply_projective(x, transform, interpolation, fill_mode, fill_value):
    n, _, h, w = x.shape
    transform = transform.to(torch.float64)
    if transform.ndim == 1:
        transform = transform.unsqueeze(0)
    if transform.shape[0] == 1 and n > 1:
        transform = transform.expand(n, 8)
    ys, xs = torch.meshgrid(
        torch.arange(h, dtype=torch.float64), torch.arange(w, dtype=torch.float64), indexing="ij"
    )
    a0, a1, a2, b0, b1, b2, c0, c1 = (transform[:, i].reshape(-1, 1, 1) for i in range(8))
    k = c0 * xs + c1 * ys + 1.0
    src_x = (a0 * xs + a1 * ys + a2) / k
    src_y = (b0 * xs + b1 * ys + b2) / k
    return _sample(x, src_y, src_x, interpolation, fill_mode, fill_value)


def affine_transform(
    images,
    transform,
    interpolation="bilinear",
    fill_mode="constant",
    fill_value=0,
    data_format=None,
):
    """Apply projective transforms ``[a0, a1, a2, b0, b1, b2, c0, c1]`` (output -> input)."""
    x, restore = _to_nchw(images, data_format, "affine_transform")
    dtype = x.dtype
    if not x.is_floating_point():
        x = x.to(floatx_torch())
    transform = to_tensor(transform)
    if transform.shape[-1] != 8 or transform.ndim not in (1, 2):
        raise ValueError(
            "affine_transform: `transform` must have shape (8,) or (N, 8), received "
            f"{tuple(transform.shape)}."
        )
    out = _apply_projective(x, transform, interpolation, fill_mode, fill_value)
    return restore(out.to(dtype))


def _perspective_coefficients(start_points, end_points):
    """The 8 transform parameters mapping output (end) points to input (start) points."""
    start = start_points.to(torch.float64)
    end = end_points.to(torch.float64)
    rows = []
    rhs = []
    for i in range(4):
        ex, ey = end[:, i, 0], end[:, i, 1]
        sx, sy = start[:, i, 0], start[:, i, 1]
        zero = torch.zeros_like(ex)
        one = torch.ones_like(ex)
        rows.append(torch.stack([ex, ey, one, zero, zero, zero, -sx * ex, -sx * ey], -1))
        rows.append(torch.stack([zero, zero, zero, ex, ey, one, -sy * ex, -sy * ey], -1))
        rhs += [sx, sy]
    a = torch.stack(rows, 1)
    b = torch.stack(rhs, 1).unsqueeze(-1)
    return torch.linalg.solve(a, b).squeeze(-1)


def perspective_transform(
    images, start_points, end_points, interpolation="bilinear", fill_value=0, data_format=None
):
    """Warp images so that ``start_points`` move to ``end_points`` (4 points each)."""
    x, restore = _to_nchw(images, data_format, "perspective_transform")
    dtype = x.dtype
    if not x.is_floating_point():
        x = x.to(floatx_torch())
    start = to_tensor(start_points)
    end = to_tensor(end_points)
    if start.ndim == 2:
        start = start.unsqueeze(0)
    if end.ndim == 2:
        end = end.unsqueeze(0)
    if start.shape[-2:] != (4, 2) or end.shape[-2:] != (4, 2):
        raise ValueError(
            "perspective_transform: points must have shape (4, 2) or (N, 4, 2), received "
            f"{tuple(start.shape)} and {tuple(end.shape)}."
        )
    coeffs = _perspective_coefficients(start, end)
    out = _apply_projective(x, coeffs, interpolation, "constant", fill_value)
    return restore(out.to(dtype))


def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """Sample N-D ``inputs`` at ``coordinates`` (shape ``(ndim, ...)``) with order 0 or 1."""
    x = to_tensor(inputs)
    coords = to_tensor(coordinates)
    if coords.shape[0] != x.ndim:
        raise ValueError(
            f"map_coordinates: `coordinates` must have {x.ndim} rows (one per input axis), "
            f"received shape {tuple(coords.shape)}."
        )
    if order not in (0, 1):
        raise ValueError(f"map_coordinates: `order` must be 0 or 1, received {order!r}.")
    coords = coords.to(torch.float64) if not coords.is_floating_point() else coords
    xf = x if x.is_floating_point() else x.to(floatx_torch())
    flat = xf.reshape(-1)
    strides = [1] * x.ndim
    for i in range(x.ndim - 2, -1, -1):
        strides[i] = strides[i + 1] * x.shape[i + 1]

    def gather(indices):
        valid = None
        linear = torch.zeros_like(indices[0])
        for i, idx in enumerate(indices):
            mapped, v = _fill_index(idx, x.shape[i], fill_mode)
            linear = linear + mapped * strides[i]
            if v is not None:
                valid = v if valid is None else valid & v
        vals = flat[linear]
        if valid is not None:
            vals = torch.where(valid, vals, torch.full_like(vals, float(fill_value)))
        return vals

    if order == 0:
        out = gather([torch.floor(c + 0.5).long() for c in coords])
    else:
        lows = [torch.floor(c) for c in coords]
        fracs = [(c - lo).to(xf.dtype) for c, lo in zip(coords, lows)]
        lows = [lo.long() for lo in lows]
        out = torch.zeros(coords.shape[1:], dtype=xf.dtype)
        for corner in range(2**x.ndim):
            idx = []
            weight = torch.ones_like(out)
            for i in range(x.ndim):
                bit = (corner >> i) & 1
                idx.append(lows[i] + bit)
                weight = weight * (fracs[i] if bit else 1 - fracs[i])
            out = out + weight * gather(idx)
    if not x.is_floating_point():
        out = torch.round(out) if order == 1 else out
        return out.to(x.dtype)
    return out


# -- filters -------------------------------------------------------------------------------------
def _gaussian_1d(size, sigma, dtype):
    coords = torch.arange(size, dtype=torch.float64) - (size - 1) / 2.0
    g = torch.exp(-(coords**2) / (2.0 * float(sigma) ** 2))
    return (g / g.sum()).to(dtype)


def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Depthwise Gaussian blur with ``'same'`` (zero) padding."""
    x, restore = _to_nchw(images, data_format, "gaussian_blur")
    dtype = x.dtype
    xf = x if x.is_floating_point() else x.to(floatx_torch())
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (sigma, sigma) if isinstance(sigma, (int, float)) else sigma
    kernel = torch.outer(_gaussian_1d(int(kh), sh, xf.dtype), _gaussian_1d(int(kw), sw, xf.dtype))
    c = xf.shape[1]
    weight = kernel.expand(c, 1, int(kh), int(kw))
    padded = _pad_spatial(xf, _same_pads(xf.shape[2:], (int(kh), int(kw)), (1, 1), (1, 1)))
    out = F.conv2d(padded, weight, groups=c)
    return restore(out.to(dtype))


def sobel_edges(images, data_format=None):
    """Sobel gradients ``[dy, dx]`` in a new last axis (edge-replicated borders).

    Keras backends disagree on the border (zeros on torch / JAX, edge values on NumPy); the
    NumPy backend's edge replication is the reference the shared suite checks.
    """
    fmt = _fmt(data_format)
    x = to_float(images)
    if x.ndim != 4:
        raise ValueError(f"sobel_edges: `images` must be 4-D, received shape {tuple(x.shape)}.")
    xc = x.permute(0, 3, 1, 2) if fmt == "channels_last" else x
    c = xc.shape[1]
    ky = torch.tensor([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=x.dtype)
    kx = ky.T
    padded = F.pad(xc, (1, 1, 1, 1), mode="replicate")
    dy = F.conv2d(padded, ky.expand(c, 1, 3, 3), groups=c)
    dx = F.conv2d(padded, kx.expand(c, 1, 3, 3), groups=c)
    out = torch.stack([dy, dx], dim=-1)  # (N, C, H, W, 2)
    if fmt == "channels_last":
        out = out.permute(0, 2, 3, 1, 4)
    return out


def ssim(
    image1,
    image2,
    max_val=1.0,
    filter_size=11,
    filter_sigma=1.5,
    k1=0.01,
    k2=0.03,
    data_format=None,
):
    """Mean structural similarity per image (Gaussian window, 'valid' filtering)."""
    x1, _ = _to_nchw(to_float(image1), data_format, "ssim")
    x2, _ = _to_nchw(to_float(image2), data_format, "ssim")
    if x1.shape != x2.shape:
        raise ValueError(
            f"ssim: images must have the same shape, received {tuple(x1.shape)} and "
            f"{tuple(x2.shape)}."
        )
    unbatched = to_tensor(image1).ndim == 3
    c = x1.shape[1]
    g = _gaussian_1d(int(filter_size), filter_sigma, x1.dtype)
    window = torch.outer(g, g).expand(c, 1, int(filter_size), int(filter_size))

    def filt(t):
        return F.conv2d(t, window, groups=c)

    mu1, mu2 = filt(x1), filt(x2)
    s11 = filt(x1 * x1) - mu1 * mu1
    s22 = filt(x2 * x2) - mu2 * mu2
    s12 = filt(x1 * x2) - mu1 * mu2
    c1 = (k1 * max_val) ** 2
    c2 = (k2 * max_val) ** 2
    luminance = (2 * mu1 * mu2 + c1) / (mu1 * mu1 + mu2 * mu2 + c1)
    contrast = (2 * s12 + c2) / (s11 + s22 + c2)
    out = torch.mean(luminance * contrast, dim=(1, 2, 3))
    return out[0] if unbatched else out


def elastic_transform(
    images,
    alpha=20.0,
    sigma=5.0,
    interpolation="bilinear",
    fill_mode="reflect",
    fill_value=0.0,
    seed=None,
    data_format=None,
):
    """Random elastic deformation: smoothed uniform displacement fields scaled by ``alpha``."""
    from kcore_backend_torch.random import generator_from_seed

    x, restore = _to_nchw(images, data_format, "elastic_transform")
    dtype = x.dtype
    xf = x if x.is_floating_point() else x.to(floatx_torch())
    n, _, h, w = xf.shape
    if seed is not None and not isinstance(seed, (int, Tensor)):
        from kcore.random import draw_seed

        seed = draw_seed(seed)
    gen = generator_from_seed(seed)
    noise = torch.rand((2, n, h, w), generator=gen, dtype=torch.float32) * 2 - 1
    size = int(2 * math.ceil(3 * float(sigma)) + 1)
    kernel = torch.outer(
        _gaussian_1d(size, sigma, torch.float32), _gaussian_1d(size, sigma, torch.float32)
    )
    pads = _same_pads((h, w), (size, size), (1, 1), (1, 1))
    field = F.conv2d(
        _pad_spatial(noise.reshape(2 * n, 1, h, w), pads), kernel.expand(1, 1, size, size)
    )
    field = field.reshape(2, n, h, w) * float(alpha)
    ys, xs = torch.meshgrid(
        torch.arange(h, dtype=torch.float32), torch.arange(w, dtype=torch.float32), indexing="ij"
    )
    out = _sample(xf, ys + field[0], xs + field[1], interpolation, fill_mode, fill_value)
    return restore(out.to(dtype))


# -- patches -------------------------------------------------------------------------------------
def _ntuple(v, n):
    return (int(v),) * n if isinstance(v, int) else tuple(int(i) for i in v)


def _patches(x, size, strides, dilation_rate, padding, fmt, n):
    """Patches of channels-last-or-first ``x`` with ``n`` spatial dims, flattened TF-style."""
    size = _ntuple(size, n)
    strides = size if strides is None else _ntuple(strides, n)
    dilation = _ntuple(dilation_rate, n)
    if fmt == "channels_last":
        x = torch.movedim(x, -1, 1)
    padding = padding.lower()
    if padding == "same":
        x = _pad_spatial(x, _same_pads(x.shape[2:], size, strides, dilation))
    elif padding != "valid":
        raise ValueError(
            f"extract_patches: `padding` must be 'same' or 'valid', received {padding!r}."
        )
    # Unfold each spatial dim: (N, C, o1.., k1..) with dilation via a strided view.
    for i in range(n):
        axis = 2 + i
        span = (size[i] - 1) * dilation[i] + 1
        x = x.unfold(axis, span, strides[i])
        if dilation[i] > 1:
            x = x[..., :: dilation[i]]
    # x: (N, C, o1, ..., on, k1, ..., kn) -> (N, o1, ..., on, k1, ..., kn, C)
    perm = [0] + list(range(2, 2 + n)) + list(range(2 + n, 2 + 2 * n)) + [1]
    x = x.permute(*perm)
    x = x.reshape(*x.shape[: 1 + n], -1)
    if fmt == "channels_first":
        x = torch.movedim(x, -1, 1)
    return x


def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """2-D (or, with a 3-tuple ``size``, 3-D) patches flattened into the channel axis."""
    if not isinstance(size, int) and len(size) == 3:
        return extract_patches_3d(images, size, strides, dilation_rate, padding, data_format)
    fmt = _fmt(data_format)
    x = to_tensor(images)
    if x.ndim not in (3, 4):
        raise ValueError(
            f"extract_patches: `images` must be 3-D or 4-D, received shape {tuple(x.shape)}."
        )
    unbatched = x.ndim == 3
    if unbatched:
        x = x.unsqueeze(0)
    out = _patches(x, size, strides, dilation_rate, padding, fmt, 2)
    return out[0] if unbatched else out


def extract_patches_3d(
    volumes, size, strides=None, dilation_rate=1, padding="valid", data_format=None
):
    """3-D patches ``(kd, kh, kw)`` flattened into the channel axis."""
    fmt = _fmt(data_format)
    x = to_tensor(volumes)
    if x.ndim not in (4, 5):
        raise ValueError(
            f"extract_patches_3d: `volumes` must be 4-D or 5-D, received shape {tuple(x.shape)}."
        )
    unbatched = x.ndim == 4
    if unbatched:
        x = x.unsqueeze(0)
    out = _patches(x, size, strides, dilation_rate, padding, fmt, 3)
    return out[0] if unbatched else out
