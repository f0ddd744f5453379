"""Image ops (``kcore.ops.image``) on TensorFlow.

Images are ``(batch, height, width, channels)`` (or unbatched 3-D) in ``channels_last``;
``channels_first`` inputs are transposed in and out.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from kcore_backend_tf._utils import convert, dynamic_dims, to_float
from kcore_backend_tf._utils import data_format as _data_format

_INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5", "area")
_FILL_MODES = ("constant", "nearest", "wrap", "reflect")


def _batched_last(images, data_format, min_rank=3):
    """(images as 4-D channels-last, was_unbatched, format)."""
    fmt = _data_format(data_format)
    x = convert(images)
    rank = x.shape.rank
    if rank not in (min_rank, min_rank + 1):
        raise ValueError(
            f"images must have rank {min_rank} (unbatched) or {min_rank + 1} (batched), received "
            f"shape {tuple(x.shape)}."
        )
    unbatched = rank == min_rank
    if unbatched:
        x = x[None]
    if fmt == "channels_first":
        nd = x.shape.rank
        x = tf.transpose(x, [0, *range(2, nd), 1])
    return x, unbatched, fmt


def _restore(x, unbatched, fmt):
    if fmt == "channels_first":
        nd = x.shape.rank
        x = tf.transpose(x, [0, nd - 1, *range(1, nd - 1)])
    return x[0] if unbatched else x


def _cast_back(x, dtype):
    if dtype.is_integer:
        x = tf.round(x)
        x = tf.clip_by_value(x, dtype.min, dtype.max)
    return tf.cast(x, dtype)


def rgb_to_grayscale(images, data_format=None):
    """Luma of RGB images, keeping a channel axis of size 1."""
    x, unbatched, fmt = _batched_last(images, data_format)
    dtype = x.dtype
    weights = tf.constant([0.2989, 0.5870, 0.1140], tf.float32)
    gray = tf.reduce_sum(tf.cast(x, tf.float32) * weights, axis=-1, keepdims=True)
    return _restore(_cast_back(gray, dtype), unbatched, fmt)


def rgb_to_hsv(images, data_format=None):
    """RGB images in [0, 1] to HSV."""
    x, unbatched, fmt = _batched_last(images, data_format)
    if not x.dtype.is_floating:
        raise TypeError(f"rgb_to_hsv: images must be float, received dtype {x.dtype.name}.")
    return _restore(tf.image.rgb_to_hsv(x), unbatched, fmt)


def hsv_to_rgb(images, data_format=None):
    """HSV images to RGB."""
    x, unbatched, fmt = _batched_last(images, data_format)
    if not x.dtype.is_floating:
        raise TypeError(f"hsv_to_rgb: images must be float, received dtype {x.dtype.name}.")
    return _restore(tf.image.hsv_to_rgb(x), unbatched, fmt)


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
    """Resize images to ``size = (height, width)``."""
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(
            f"resize: `interpolation` must be one of {_INTERPOLATIONS}, received {interpolation!r}."
        )
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(
            "resize: only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` may be True."
        )
    if len(size) != 2:
        raise ValueError(f"resize: `size` must be (height, width), received {size}.")
    x, unbatched, fmt = _batched_last(images, data_format)
    dtype = x.dtype
    th, tw = int(size[0]), int(size[1])
    h, w = x.shape[1], x.shape[2]
    if crop_to_aspect_ratio:
        crop_h = max(min(h, int(w * th / tw)), 1)
        crop_w = max(min(w, int(h * tw / th)), 1)
        top, left = (h - crop_h) // 2, (w - crop_w) // 2
        x = x[:, top : top + crop_h, left : left + crop_w]
    elif pad_to_aspect_ratio:
        pad_h = max(h, int(w * th / tw))
        pad_w = max(w, int(h * tw / th))
        top, left = (pad_h - h) // 2, (pad_w - w) // 2
        x = tf.pad(
            x,
            [[0, 0], [top, pad_h - h - top], [left, pad_w - w - left], [0, 0]],
            constant_values=tf.cast(fill_value, x.dtype),
        )
    out = tf.image.resize(x, (th, tw), method=interpolation, antialias=antialias)
    return _restore(_cast_back(out, dtype), unbatched, fmt)


def _transform_op(x, transforms, interpolation, fill_mode, fill_value):
    if interpolation not in ("nearest", "bilinear"):
        raise ValueError(
            f"`interpolation` must be 'nearest' or 'bilinear', received {interpolation!r}."
        )
    if fill_mode not in _FILL_MODES:
        raise ValueError(f"`fill_mode` must be one of {_FILL_MODES}, received {fill_mode!r}.")
    dtype = x.dtype
    work = x if dtype in (tf.float32, tf.float64, tf.float16) else tf.cast(x, tf.float32)
    out = tf.raw_ops.ImageProjectiveTransformV3(
        images=work,
        transforms=tf.cast(transforms, tf.float32),
        output_shape=tf.shape(work)[1:3],
        fill_value=tf.cast(fill_value, tf.float32),
        interpolation=interpolation.upper(),
        fill_mode=fill_mode.upper(),
    )
    out.set_shape(work.shape)
    return _cast_back(out, dtype)


def affine_transform(
    images,
    transform,
    interpolation="bilinear",
    fill_mode="constant",
    fill_value=0,
    data_format=None,
):
    """Apply projective transforms ``[a0, a1, a2, b0, b1, b2, c0, c1]`` (output -> input map)."""
    x, unbatched, fmt = _batched_last(images, data_format)
    t = convert(transform)
    if t.shape.rank == 1:
        t = t[None]
    if t.shape[-1] != 8:
        raise ValueError(
            f"affine_transform: `transform` must have 8 coefficients, received shape {tuple(t.shape)}."
        )
    if t.shape[0] == 1:
        t = tf.tile(t, [tf.shape(x)[0], 1])
    out = _transform_op(x, t, interpolation, fill_mode, fill_value)
    return _restore(out, unbatched, fmt)


def _perspective_coeffs(start_points, end_points):
    """Coefficients mapping output (end) points to input (start) points, shape (B, 8)."""
    src = tf.cast(end_points, tf.float64)
    dst = tf.cast(start_points, tf.float64)
    x, y = src[..., 0], src[..., 1]
    u, v = dst[..., 0], dst[..., 1]
    zeros, ones = tf.zeros_like(x), tf.ones_like(x)
    rows_u = tf.stack([x, y, ones, zeros, zeros, zeros, -x * u, -y * u], axis=-1)
    rows_v = tf.stack([zeros, zeros, zeros, x, y, ones, -x * v, -y * v], axis=-1)
    a = tf.concat([rows_u, rows_v], axis=-2)  # (B, 8, 8)
    b = tf.concat([u, v], axis=-1)[..., None]
    return tf.linalg.solve(a, b)[..., 0]


def perspective_transform(
    images, start_points, end_points, interpolation="bilinear", fill_value=0, data_format=None
):
    """Warp images so that ``start_points`` move to ``end_points`` (4 corner pairs)."""
    x, unbatched, fmt = _batched_last(images, data_format)
    sp, ep = convert(start_points), convert(end_points)
    if sp.shape.rank == 2:
        sp, ep = sp[None], ep[None]
    if tuple(sp.shape[-2:]) != (4, 2) or tuple(ep.shape[-2:]) != (4, 2):
        raise ValueError(
            "perspective_transform: points must have shape (4, 2) or (batch, 4, 2), received "
            f"{tuple(start_points.shape)} and {tuple(end_points.shape)}."
        )
    coeffs = _perspective_coeffs(sp, ep)
    if coeffs.shape[0] == 1:
        coeffs = tf.tile(coeffs, [tf.shape(x)[0], 1])
    out = _transform_op(x, coeffs, interpolation, "constant", fill_value)
    return _restore(out, unbatched, fmt)


def _crop_pad_args(name, first, second, target, size, first_name, second_name, target_name):
    if [first, second, target].count(None) != 1:
        raise ValueError(
            f"{name}: specify exactly two of {first_name}, {second_name}, {target_name}. Received: "
            f"{first_name}={first}, {second_name}={second}, {target_name}={target}"
        )
    if first is None:
        first = (size - target - second) if name == "crop_images" else (target - size - second)
    if second is None:
        second = (size - target - first) if name == "crop_images" else (target - size - first)
    if first < 0 or second < 0:
        raise ValueError(
            f"{name}: the arguments give negative amounts ({first}, {second}) for size {size}."
        )
    return int(first), int(second)


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
    """Crop images by margins or to a target size."""
    x, unbatched, fmt = _batched_last(images, data_format)
    h, w = x.shape[1], x.shape[2]
    top, bottom = _crop_pad_args(
        "crop_images",
        top_cropping,
        bottom_cropping,
        target_height,
        h,
        "top_cropping",
        "bottom_cropping",
        "target_height",
    )
    left, right = _crop_pad_args(
        "crop_images",
        left_cropping,
        right_cropping,
        target_width,
        w,
        "left_cropping",
        "right_cropping",
        "target_width",
    )
    if top + bottom >= h or left + right >= w:
        raise ValueError(
            f"crop_images: cropping ({top}, {bottom}, {left}, {right}) leaves nothing of a "
            f"{h}x{w} image."
        )
    out = x[:, top : h - bottom, left : w - right]
    return _restore(out, unbatched, fmt)


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
    """Zero-pad images by margins or to a target size."""
    x, unbatched, fmt = _batched_last(images, data_format)
    h, w = x.shape[1], x.shape[2]
    top, bottom = _crop_pad_args(
        "pad_images",
        top_padding,
        bottom_padding,
        target_height,
        h,
        "top_padding",
        "bottom_padding",
        "target_height",
    )
    left, right = _crop_pad_args(
        "pad_images",
        left_padding,
        right_padding,
        target_width,
        w,
        "left_padding",
        "right_padding",
        "target_width",
    )
    out = tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]])
    return _restore(out, unbatched, fmt)


def _tuple(value, n, name):
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError(f"`{name}` must be an int or a tuple of {n} ints, received {value}.")
    return value


def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """Patches of ``size`` flattened into the channel axis ``(kh * kw * C)``."""
    x, unbatched, fmt = _batched_last(images, data_format)
    size = _tuple(size, 2, "size")
    strides = size if strides is None else _tuple(strides, 2, "strides")
    rates = _tuple(dilation_rate, 2, "dilation_rate")
    out = tf.image.extract_patches(
        x,
        sizes=[1, *size, 1],
        strides=[1, *strides, 1],
        rates=[1, *rates, 1],
        padding=padding.upper(),
    )
    return _restore(out, unbatched, fmt)


def extract_patches_3d(
    volumes, size, strides=None, dilation_rate=1, padding="valid", data_format=None
):
    """3-D patches of ``size`` flattened into the channel axis ``(kd * kh * kw * C)``."""
    x, unbatched, fmt = _batched_last(volumes, data_format, min_rank=4)
    size = _tuple(size, 3, "size")
    strides = size if strides is None else _tuple(strides, 3, "strides")
    rates = _tuple(dilation_rate, 3, "dilation_rate")
    channels = x.shape[-1]
    n = size[0] * size[1] * size[2] * channels
    kernel = np.eye(n, dtype=np.float64).reshape(*size, channels, n)
    dtype = x.dtype
    work = dtype if dtype in (tf.float32, tf.float64) else tf.float32
    out = tf.nn.convolution(
        tf.cast(x, work),
        tf.constant(kernel, work),
        strides=strides,
        padding=padding.upper(),
        dilations=rates,
    )
    return _restore(_cast_back(out, dtype), unbatched, fmt)


def _gaussian_1d(size, sigma, dtype):
    coords = tf.range(size, dtype=dtype) - tf.cast((size - 1) / 2.0, dtype)
    sigma = tf.cast(sigma, dtype)
    g = tf.exp(-tf.square(coords) / (2.0 * tf.square(sigma)))
    return g / tf.reduce_sum(g)


def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Gaussian blur with a ``kernel_size`` kernel (zero padding, same size output)."""
    x, unbatched, fmt = _batched_last(images, data_format)
    kh, kw = _tuple(kernel_size, 2, "kernel_size")
    sigma = (
        (float(sigma),) * 2 if isinstance(sigma, (int, float)) else tuple(float(s) for s in sigma)
    )
    dtype = x.dtype
    work = dtype if dtype in (tf.float32, tf.float64) else tf.float32
    xw = tf.cast(x, work)
    kernel = _gaussian_1d(kh, sigma[0], work)[:, None] * _gaussian_1d(kw, sigma[1], work)[None, :]
    channels = x.shape[-1]
    kernel = tf.tile(kernel[:, :, None, None], [1, 1, channels, 1])
    out = tf.nn.depthwise_conv2d(xw, kernel, strides=[1, 1, 1, 1], padding="SAME")
    return _restore(_cast_back(out, dtype), unbatched, fmt)


def sobel_edges(images, data_format=None):
    """Sobel gradients ``(..., channels, 2)`` holding (dy, dx) per channel.

    Borders use symmetric padding (SciPy's ``reflect``), like Keras' NumPy backend.
    """
    x, unbatched, fmt = _batched_last(images, data_format)
    x = to_float(x)
    ky = tf.constant([[-1.0, -2.0, -1.0], [0.0, 0.0, 0.0], [1.0, 2.0, 1.0]], x.dtype)
    kernels = tf.stack([ky, tf.transpose(ky)], axis=-1)  # (3, 3, 2)
    channels = x.shape[-1]
    kernel = tf.tile(kernels[:, :, None, :], [1, 1, channels, 1])  # (3, 3, C, 2)
    padded = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="SYMMETRIC")
    work = padded if x.dtype in (tf.float32, tf.float64) else tf.cast(padded, tf.float32)
    out = tf.nn.depthwise_conv2d(work, tf.cast(kernel, work.dtype), [1, 1, 1, 1], "VALID")
    dims = dynamic_dims(out)
    out = tf.cast(tf.reshape(out, [*dims[:-1], channels, 2]), x.dtype)  # (B, H, W, C, 2)
    if fmt == "channels_first":
        out = tf.transpose(out, [0, 3, 1, 2, 4])
    return out[0] if unbatched else out


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
    """Structural similarity per image."""
    a, unbatched, fmt = _batched_last(image1, data_format)
    b, _, _ = _batched_last(image2, data_format)
    a, b = to_float(a), tf.cast(to_float(b), to_float(a).dtype)
    out = tf.image.ssim(
        a, b, max_val, filter_size=filter_size, filter_sigma=filter_sigma, k1=k1, k2=k2
    )
    return out[0] if unbatched else out


# ---------------------------------------------------------------------------------------------
# map_coordinates, elastic_transform, scale_and_translate
# ---------------------------------------------------------------------------------------------


def _fix_index(index, size, mode):
    if mode == "nearest":
        return tf.clip_by_value(index, 0, size - 1)
    if mode == "wrap":
        return tf.math.floormod(index, size)
    if mode == "mirror":
        if size == 1:
            return tf.zeros_like(index)
        period = 2 * size - 2
        i = tf.math.floormod(tf.abs(index), period)
        return tf.where(i >= size, period - i, i)
    if mode == "reflect":
        period = 2 * size
        i = tf.math.floormod(index, period)
        return tf.where(i >= size, period - 1 - i, i)
    return index  # constant: validity checked separately


def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """Sample ``inputs`` at ``coordinates`` (shape ``(inputs.ndim, ...)``), order 0 or 1."""
    modes = ("constant", "nearest", "wrap", "mirror", "reflect")
    if fill_mode not in modes:
        raise ValueError(
            f"map_coordinates: `fill_mode` must be one of {modes}, received {fill_mode!r}."
        )
    if order not in (0, 1):
        raise ValueError(f"map_coordinates: `order` must be 0 or 1, received {order!r}.")
    x = convert(inputs)
    coords = convert(coordinates)
    ndim = x.shape.rank
    if coords.shape[0] != ndim:
        raise ValueError(
            f"map_coordinates: `coordinates` must have a leading axis of size {ndim} (the input "
            f"rank), received shape {tuple(coords.shape)}."
        )
    work = x.dtype if x.dtype.is_floating else tf.float32
    coords = tf.cast(coords, work if work != tf.float16 else tf.float32)
    sizes = x.shape.as_list()
    per_dim = []  # list of [(index, weight)] per dimension
    for d in range(ndim):
        c = coords[d]
        if order == 0:
            idx = tf.cast(tf.math.floor(c + 0.5), tf.int32)
            per_dim.append([(idx, None)])
        else:
            lo = tf.math.floor(c)
            frac = c - lo
            lo_i = tf.cast(lo, tf.int32)
            per_dim.append([(lo_i, 1.0 - frac), (lo_i + 1, frac)])
    result = None
    fill = tf.cast(fill_value, work)

    def corners(d, acc):
        if d == ndim:
            yield acc
            return
        for item in per_dim[d]:
            yield from corners(d + 1, [*acc, item])

    for corner in corners(0, []):
        indices = []
        valid = None
        weight = None
        for d, (idx, w) in enumerate(corner):
            if fill_mode == "constant":
                ok = (idx >= 0) & (idx < sizes[d])
                valid = ok if valid is None else valid & ok
                idx = tf.clip_by_value(idx, 0, sizes[d] - 1)
            else:
                idx = _fix_index(idx, sizes[d], fill_mode)
            indices.append(idx)
            if w is not None:
                weight = w if weight is None else weight * w
        value = tf.cast(tf.gather_nd(x, tf.stack(indices, axis=-1)), work)
        if valid is not None:
            value = tf.where(valid, value, fill)
        if weight is not None:
            value = value * tf.cast(weight, work)
        result = value if result is None else result + value
    return _cast_back(result, x.dtype) if x.dtype.is_integer else tf.cast(result, x.dtype)


def _sample_2d(x, rows, cols, order, fill_mode, fill_value):
    """Sample the (B, H, W, C) images at per-pixel (B, H, W) coordinates."""
    h, w = x.shape[1], x.shape[2]
    dims = dynamic_dims(x)
    b = tf.broadcast_to(tf.range(dims[0])[:, None, None], tf.shape(rows))
    fill = tf.cast(fill_value, x.dtype)
    if order == 0:
        corners = [(tf.cast(tf.round(rows), tf.int32), tf.cast(tf.round(cols), tf.int32), None)]
    else:
        r0, c0 = tf.floor(rows), tf.floor(cols)
        fr, fc = rows - r0, cols - c0
        r0, c0 = tf.cast(r0, tf.int32), tf.cast(c0, tf.int32)
        corners = [
            (r0, c0, (1 - fr) * (1 - fc)),
            (r0, c0 + 1, (1 - fr) * fc),
            (r0 + 1, c0, fr * (1 - fc)),
            (r0 + 1, c0 + 1, fr * fc),
        ]
    out = None
    for r, c, weight in corners:
        if fill_mode == "constant":
            valid = (r >= 0) & (r < h) & (c >= 0) & (c < w)
            r, c = tf.clip_by_value(r, 0, h - 1), tf.clip_by_value(c, 0, w - 1)
        else:
            valid = None
            r, c = _fix_index(r, h, fill_mode), _fix_index(c, w, fill_mode)
        value = tf.gather_nd(x, tf.stack([b, r, c], axis=-1))  # (B, H, W, C)
        if valid is not None:
            value = tf.where(valid[..., None], value, fill)
        if weight is not None:
            value = value * weight[..., None]
        out = value if out is None else out + value
    return out


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
    """Random elastic deformation: smoothed random displacements of magnitude ``alpha``."""
    from kcore import random as kr

    if interpolation not in ("nearest", "bilinear"):
        raise ValueError(
            "elastic_transform: `interpolation` must be 'nearest' or 'bilinear', received "
            f"{interpolation!r}."
        )
    modes = ("constant", "nearest", "wrap", "mirror", "reflect")
    if fill_mode not in modes:
        raise ValueError(
            f"elastic_transform: `fill_mode` must be one of {modes}, received {fill_mode!r}."
        )
    x, unbatched, fmt = _batched_last(images, data_format)
    dtype = x.dtype
    work = dtype if dtype in (tf.float32, tf.float64) else tf.float32
    xw = tf.cast(x, work)
    b, h, w, _ = dynamic_dims(xw)
    seeds = tf.random.experimental.stateless_split(
        tf.cast(convert(kr.draw_seed(seed)), tf.int64), 2
    )
    dx = tf.random.stateless_uniform([b, h, w, 1], seeds[0], -1.0, 1.0, dtype=work)
    dy = tf.random.stateless_uniform([b, h, w, 1], seeds[1], -1.0, 1.0, dtype=work)
    ksize = int(2 * round(3 * float(sigma)) + 1)
    dx = gaussian_blur(dx, (ksize, ksize), (sigma, sigma), "channels_last")[..., 0] * alpha
    dy = gaussian_blur(dy, (ksize, ksize), (sigma, sigma), "channels_last")[..., 0] * alpha
    rows = tf.cast(tf.range(h), work)[None, :, None] + dy
    cols = tf.cast(tf.range(w), work)[None, None, :] + dx
    order = 1 if interpolation == "bilinear" else 0
    out = _sample_2d(xw, rows, cols, order, fill_mode, fill_value)
    out.set_shape(xw.shape)
    return _restore(_cast_back(out, dtype), unbatched, fmt)


_SCALE_KERNELS = {
    "linear": "triangle",
    "bilinear": "triangle",
    "trilinear": "triangle",
    "triangle": "triangle",
    "cubic": "keyscubic",
    "bicubic": "keyscubic",
    "tricubic": "keyscubic",
    "lanczos3": "lanczos3",
    "lanczos5": "lanczos5",
}


def scale_and_translate(
    images, output_shape, scale, translation, spatial_dims, method, antialias=True
):
    """Resample ``images`` over ``spatial_dims`` by ``scale`` and ``translation`` (JAX's rule)."""
    if method not in _SCALE_KERNELS:
        raise ValueError(
            f"scale_and_translate: `method` must be one of {tuple(_SCALE_KERNELS)}, received {method!r}."
        )
    x = convert(images)
    dtype = x.dtype
    x = tf.cast(x, tf.float32) if dtype != tf.float64 else x
    scale = tf.cast(convert(scale), tf.float32)
    translation = tf.cast(convert(translation), tf.float32)
    ndim = x.shape.rank
    for i, d in enumerate(spatial_dims):
        d = d % ndim
        out_size = int(output_shape[d])
        moved = tf.experimental.numpy.moveaxis(x, d, 0)
        dims = dynamic_dims(moved)
        flat = tf.reshape(moved, [dims[0], -1])  # (size, rest)
        batch_first = tf.transpose(flat)[:, :, None, None]  # (rest, size, 1, 1)
        out = tf.raw_ops.ScaleAndTranslate(
            images=tf.cast(batch_first, tf.float32),
            size=tf.constant([out_size, 1], tf.int32),
            scale=tf.stack([scale[i], 1.0]),
            translation=tf.stack([translation[i], 0.0]),
            kernel_type=_SCALE_KERNELS[method],
            antialias=bool(antialias),
        )
        out = tf.transpose(out[:, :, 0, 0])
        out = tf.reshape(out, [out_size, *dims[1:]])
        x = tf.experimental.numpy.moveaxis(out, 0, d)
    return tf.cast(x, dtype) if dtype.is_floating else _cast_back(x, dtype)
