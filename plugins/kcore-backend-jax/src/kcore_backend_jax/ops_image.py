"""``kcore.ops.image`` on jax: colour conversion, resizing, geometric transforms, patches.

Images are ``(batch, height, width, channels)`` (or unbatched 3-D) for ``channels_last`` and
``(batch, channels, height, width)`` for ``channels_first``. Internally every op moves channels
last, works there, and moves them back. Sampling uses ``jax.scipy.ndimage.map_coordinates``.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from kcore_backend_jax._common import (
    _tt,
    data_format_or_default,
    jdtype,
    result_type,
    sdtype,
)

OPS: dict = {}

_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")
_ORDERS = {"nearest": 0, "bilinear": 1}


def register(name):
    """Decorator: record the function as the implementation of ``kcore.ops.<name>``."""

    def deco(fn):
        OPS[name] = fn
        return fn

    return deco


def _to_nhwc(name, images, data_format, rank=4):
    """Images as a batched channels-last tensor, plus a function undoing the conversion."""
    images = _tt(images)
    data_format = data_format_or_default(data_format)
    if images.ndim not in (rank - 1, rank):
        raise ValueError(
            f"{name}: images must be {rank - 1}-D (unbatched) or {rank}-D (batched). "
            f"Received: images.shape={images.shape}"
        )
    unbatched = images.ndim == rank - 1
    if unbatched:
        images = images[None]
    if data_format == "channels_first":
        images = jnp.moveaxis(images, 1, -1)

    def back(out):
        if data_format == "channels_first":
            out = jnp.moveaxis(out, -1, 1)
        return out[0] if unbatched else out

    return images, back


def _compute_dtype(x):
    """The float dtype to compute in: ``x``'s own if float, else ``floatx()``."""
    return jdtype(result_type(sdtype(x), float))


# -- colour -----------------------------------------------------------------------------------
@register("rgb_to_grayscale")
def rgb_to_grayscale(images, data_format=None):
    """Luma of RGB images (ITU-R 601 weights); keeps a channel axis of size 1."""
    x, back = _to_nhwc("rgb_to_grayscale", images, data_format)
    if x.shape[-1] != 3:
        raise ValueError(f"rgb_to_grayscale: images need 3 channels. Received: {x.shape}")
    dtype = x.dtype
    xf = x.astype(_compute_dtype(x))
    weights = jnp.asarray([0.2989, 0.5870, 0.1140], xf.dtype)
    gray = jnp.tensordot(xf, weights, axes=(-1, -1))[..., None]
    return back(gray.astype(dtype))


@register("rgb_to_hsv")
def rgb_to_hsv(images, data_format=None):
    """RGB in ``[0, 1]`` to HSV in ``[0, 1]``."""
    x, back = _to_nhwc("rgb_to_hsv", images, data_format)
    if not jnp.issubdtype(x.dtype, jnp.floating):
        raise ValueError(f"rgb_to_hsv: images must be float. Received: dtype={sdtype(x)}")
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    value = jnp.maximum(jnp.maximum(r, g), b)
    minimum = jnp.minimum(jnp.minimum(r, g), b)
    rng = value - minimum
    safe_value = jnp.where(value > 0, value, 1.0)
    saturation = jnp.where(value > 0, rng / safe_value, 0.0)
    safe_rng = jnp.where(rng > 0, rng, 1.0)
    norm = 1.0 / (6.0 * safe_rng)
    hue = jnp.where(
        value == g,
        norm * (b - r) + 2.0 / 6.0,
        norm * (r - g) + 4.0 / 6.0,
    )
    hue = jnp.where(value == r, norm * (g - b), hue)
    hue = jnp.where(rng > 0, hue, 0.0) + jnp.where(hue < 0.0, 1.0, 0.0)
    return back(jnp.stack([hue, saturation, value], axis=-1).astype(x.dtype))


@register("hsv_to_rgb")
def hsv_to_rgb(images, data_format=None):
    """HSV in ``[0, 1]`` to RGB in ``[0, 1]``."""
    x, back = _to_nhwc("hsv_to_rgb", images, data_format)
    if not jnp.issubdtype(x.dtype, jnp.floating):
        raise ValueError(f"hsv_to_rgb: images must be float. Received: dtype={sdtype(x)}")
    h, s, v = x[..., 0], x[..., 1], x[..., 2]
    dh = h * 6.0
    dr = jnp.clip(jnp.abs(dh - 3.0) - 1.0, 0.0, 1.0)
    dg = jnp.clip(2.0 - jnp.abs(dh - 2.0), 0.0, 1.0)
    db = jnp.clip(2.0 - jnp.abs(dh - 4.0), 0.0, 1.0)
    one_minus_s = 1.0 - s
    red = v * (one_minus_s + s * dr)
    green = v * (one_minus_s + s * dg)
    blue = v * (one_minus_s + s * db)
    return back(jnp.stack([red, green, blue], axis=-1).astype(x.dtype))


# -- resize -----------------------------------------------------------------------------------
_RESIZE_METHODS = {
    "bilinear": "linear",
    "nearest": "nearest",
    "bicubic": "cubic",
    "lanczos3": "lanczos3",
    "lanczos5": "lanczos5",
    "area": "linear",
}


@register("resize")
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
    if interpolation not in _RESIZE_METHODS:
        raise ValueError(
            f"resize: `interpolation` must be one of {tuple(_RESIZE_METHODS)}. "
            f"Received: {interpolation!r}"
        )
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(
            "resize: only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` can be True."
        )
    if fill_mode != "constant":
        raise ValueError(f"resize: only fill_mode='constant' is supported. Received: {fill_mode!r}")
    size = tuple(size)
    if len(size) != 2:
        raise ValueError(f"resize: `size` must be (height, width). Received: {size}")
    x, back = _to_nhwc("resize", images, data_format)
    batch, height, width, channels = x.shape
    target_h, target_w = size
    if crop_to_aspect_ratio:
        crop_h = min(height, int(width * target_h / target_w))
        crop_w = min(width, int(height * target_w / target_h))
        crop_h, crop_w = max(crop_h, 1), max(crop_w, 1)
        top = (height - crop_h) // 2
        left = (width - crop_w) // 2
        x = x[:, top : top + crop_h, left : left + crop_w, :]
    elif pad_to_aspect_ratio:
        pad_h = max(height, int(width * target_h / target_w))
        pad_w = max(width, int(height * target_w / target_h))
        # Keras pads both sides by the same (floored) amount.
        top = (pad_h - height) // 2
        left = (pad_w - width) // 2
        x = jnp.pad(
            x,
            ((0, 0), (top, top), (left, left), (0, 0)),
            constant_values=jnp.asarray(fill_value, x.dtype),
        )
    dtype = x.dtype
    if interpolation == "area":
        out = _area_resize(x.astype(_compute_dtype(x)), target_h, target_w)
    else:
        out = jax.image.resize(
            x.astype(_compute_dtype(x)),
            (x.shape[0], target_h, target_w, channels),
            method=_RESIZE_METHODS[interpolation],
            antialias=antialias,
        )
    if jnp.issubdtype(dtype, jnp.integer):
        info = jnp.iinfo(dtype)
        out = jnp.clip(jnp.round(out), info.min, info.max)
    return back(out.astype(dtype))


def _area_resize(x, target_h, target_w):
    """Area (box) resampling: each output pixel averages the input area it covers."""

    def weights(in_size, out_size):
        w = np.zeros((out_size, in_size), dtype=np.float64)
        scale = in_size / out_size
        for o in range(out_size):
            start, end = o * scale, (o + 1) * scale
            for i in range(int(math.floor(start)), min(int(math.ceil(end)), in_size)):
                w[o, i] = min(end, i + 1) - max(start, i)
        return w / w.sum(axis=1, keepdims=True)

    wh = jnp.asarray(weights(x.shape[1], target_h), x.dtype)
    ww = jnp.asarray(weights(x.shape[2], target_w), x.dtype)
    return jnp.einsum("oh,bhwc,pw->bopc", wh, x, ww)


@register("scale_and_translate")
def scale_and_translate(
    images, output_shape, scale, translation, spatial_dims, method, antialias=True
):
    """``jax.image.scale_and_translate``: resample with a scale and a translation."""
    images = _tt(images)
    return jax.image.scale_and_translate(
        images,
        tuple(output_shape),
        tuple(spatial_dims),
        _tt(scale),
        _tt(translation),
        method,
        antialias=antialias,
    )


# -- geometric transforms ---------------------------------------------------------------------
def _check_interp(name, interpolation):
    if interpolation not in _ORDERS:
        raise ValueError(
            f"{name}: `interpolation` must be 'nearest' or 'bilinear'. Received: {interpolation!r}"
        )
    return _ORDERS[interpolation]


def _check_fill(name, fill_mode):
    if fill_mode not in _FILL_MODES:
        raise ValueError(
            f"{name}: `fill_mode` must be one of {_FILL_MODES}. Received: {fill_mode!r}"
        )


def _sample(image, rows, cols, order, fill_mode, fill_value):
    """Sample the HWC ``image`` at fractional ``rows``/``cols`` (each ``(H', W')``)."""

    def one_channel(channel):
        return jax.scipy.ndimage.map_coordinates(
            channel, [rows, cols], order=order, mode=fill_mode, cval=fill_value
        )

    return jax.vmap(one_channel, in_axes=-1, out_axes=-1)(image)


def _projective_sample(x, transforms, order, fill_mode, fill_value):
    """Apply per-image 8-parameter projective ``transforms`` (output -> input coordinates)."""
    _, height, width, _ = x.shape
    ys, xs = jnp.meshgrid(
        jnp.arange(height, dtype=x.dtype), jnp.arange(width, dtype=x.dtype), indexing="ij"
    )

    def one(image, t):
        a0, a1, a2, b0, b1, b2, c0, c1 = [t[i] for i in range(8)]
        k = c0 * xs + c1 * ys + 1.0
        src_x = (a0 * xs + a1 * ys + a2) / k
        src_y = (b0 * xs + b1 * ys + b2) / k
        return _sample(image, src_y, src_x, order, fill_mode, fill_value)

    return jax.vmap(one)(x, transforms)


@register("affine_transform")
def affine_transform(
    images,
    transform,
    interpolation="bilinear",
    fill_mode="constant",
    fill_value=0,
    data_format=None,
):
    """Apply projective transforms ``[a0, a1, a2, b0, b1, b2, c0, c1]`` (output -> input)."""
    order = _check_interp("affine_transform", interpolation)
    _check_fill("affine_transform", fill_mode)
    x, back = _to_nhwc("affine_transform", images, data_format)
    transform = _tt(transform)
    if transform.ndim == 1:
        transform = transform[None]
    if transform.shape[-1] != 8:
        raise ValueError(
            f"affine_transform: `transform` must have shape (8,) or (batch, 8). "
            f"Received: {transform.shape}"
        )
    dtype = x.dtype
    xf = x.astype(_compute_dtype(x))
    transform = jnp.broadcast_to(transform.astype(xf.dtype), (x.shape[0], 8))
    out = _projective_sample(xf, transform, order, fill_mode, fill_value)
    return back(out.astype(dtype))


def _homography(start, end):
    """The 8 projective parameters mapping ``end`` points (output) to ``start`` (input)."""

    def one(s, e):
        rows = []
        rhs = []
        for i in range(4):
            x, y = e[i, 0], e[i, 1]
            u, v = s[i, 0], s[i, 1]
            rows.append(jnp.stack([x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y]))
            rows.append(jnp.stack([0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y]))
            rhs.extend([u, v])
        return jnp.linalg.solve(jnp.stack(rows), jnp.stack(rhs))

    return jax.vmap(one)(start, end)


@register("perspective_transform")
def perspective_transform(
    images,
    start_points,
    end_points,
    interpolation="bilinear",
    fill_value=0,
    data_format=None,
):
    """Warp images so the four ``start_points`` land on ``end_points``."""
    order = _check_interp("perspective_transform", interpolation)
    x, back = _to_nhwc("perspective_transform", images, data_format)
    start = _tt(start_points).astype(jnp.float32)
    end = _tt(end_points).astype(jnp.float32)
    if start.ndim == 2:
        start = start[None]
    if end.ndim == 2:
        end = end[None]
    if start.shape[-2:] != (4, 2) or end.shape[-2:] != (4, 2):
        raise ValueError(
            "perspective_transform: points must have shape (4, 2) or (batch, 4, 2). "
            f"Received: {start.shape} and {end.shape}"
        )
    dtype = x.dtype
    xf = x.astype(_compute_dtype(x))
    transforms = _homography(start, end)
    transforms = jnp.broadcast_to(transforms, (x.shape[0], 8)).astype(xf.dtype)
    out = _projective_sample(xf, transforms, order, "constant", fill_value)
    return back(out.astype(dtype))


@register("map_coordinates")
def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """Sample ``inputs`` at ``coordinates`` (shape ``(inputs.ndim, ...)``) with spline ``order``."""
    inputs = _tt(inputs)
    coordinates = _tt(coordinates)
    _check_fill("map_coordinates", fill_mode)
    if coordinates.shape[0] != inputs.ndim:
        raise ValueError(
            "map_coordinates: the first dim of `coordinates` must equal the rank of `inputs` "
            f"({inputs.ndim}). Received: coordinates.shape={coordinates.shape}"
        )
    if order not in (0, 1):
        raise ValueError(f"map_coordinates: `order` must be 0 or 1. Received: {order!r}")
    dtype = inputs.dtype
    xf = inputs.astype(_compute_dtype(inputs))
    coords = [c.astype(xf.dtype) for c in coordinates]
    out = jax.scipy.ndimage.map_coordinates(xf, coords, order, mode=fill_mode, cval=fill_value)
    return out.astype(dtype)


def _gaussian_kernel1d(size, sigma, dtype):
    x = jnp.arange(size, dtype=dtype) - (size - 1) / 2
    k = jnp.exp(-0.5 * (x / sigma) ** 2)
    return k / jnp.sum(k)


def _depthwise_2d(x, kernel2d):
    """'same'-padded depthwise convolution of NHWC ``x`` with one 2-D kernel for all channels."""
    channels = x.shape[-1]
    k = jnp.tile(kernel2d[:, :, None, None], (1, 1, 1, channels))
    return jax.lax.conv_general_dilated(
        x,
        k.astype(x.dtype),
        window_strides=(1, 1),
        padding="SAME",
        dimension_numbers=("NHWC", "HWIO", "NHWC"),
        feature_group_count=channels,
    )


@register("gaussian_blur")
def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Blur with a Gaussian kernel (``kernel_size``/``sigma`` as (height, width))."""
    x, back = _to_nhwc("gaussian_blur", images, data_format)
    kernel_size = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sigma = (sigma, sigma) if isinstance(sigma, (int, float)) else sigma
    dtype = x.dtype
    xf = x.astype(_compute_dtype(x))
    ky = _gaussian_kernel1d(kernel_size[0], sigma[0], xf.dtype)
    kx = _gaussian_kernel1d(kernel_size[1], sigma[1], xf.dtype)
    return back(_depthwise_2d(xf, jnp.outer(ky, kx)).astype(dtype))


@register("elastic_transform")
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
    """Elastic deformation: displace pixels by a smoothed random field scaled by ``alpha``."""
    from kcore import random as kcore_random

    order = _check_interp("elastic_transform", interpolation)
    _check_fill("elastic_transform", fill_mode)
    x, back = _to_nhwc("elastic_transform", images, data_format)
    dtype = x.dtype
    xf = x.astype(_compute_dtype(x))
    batch, height, width, _ = xf.shape
    key = jax.random.wrap_key_data(
        _tt(kcore_random.draw_seed(seed)).astype(jnp.uint32), impl="threefry2x32"
    )
    kx, ky = jax.random.split(key)
    dx = jax.random.normal(kx, (batch, height, width, 1), xf.dtype)
    dy = jax.random.normal(ky, (batch, height, width, 1), xf.dtype)
    size = int(2 * math.ceil(3 * sigma) + 1)
    g = _gaussian_kernel1d(size, sigma, xf.dtype)
    kernel = jnp.outer(g, g)
    dx = _depthwise_2d(dx, kernel)[..., 0] * alpha
    dy = _depthwise_2d(dy, kernel)[..., 0] * alpha
    ys, xs = jnp.meshgrid(
        jnp.arange(height, dtype=xf.dtype), jnp.arange(width, dtype=xf.dtype), indexing="ij"
    )

    def one(image, ddx, ddy):
        return _sample(image, ys + ddy, xs + ddx, order, fill_mode, fill_value)

    return back(jax.vmap(one)(xf, dx, dy).astype(dtype))


@register("sobel_edges")
def sobel_edges(images, data_format=None):
    """Sobel gradients ``[dy, dx]`` stacked on a new last axis."""
    x, back_unused = _to_nhwc("sobel_edges", images, data_format)
    data_format = data_format_or_default(data_format)
    dtype = x.dtype
    xf = x.astype(_compute_dtype(x))
    ky = jnp.asarray([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], xf.dtype)
    kx = ky.T
    padded = jnp.pad(xf, ((0, 0), (1, 1), (1, 1), (0, 0)))
    channels = xf.shape[-1]

    def filt(k):
        kk = jnp.tile(k[:, :, None, None], (1, 1, 1, channels))
        return jax.lax.conv_general_dilated(
            padded,
            kk,
            (1, 1),
            "VALID",
            dimension_numbers=("NHWC", "HWIO", "NHWC"),
            feature_group_count=channels,
        )

    out = jnp.stack([filt(ky), filt(kx)], axis=-1).astype(dtype)
    if data_format == "channels_first":
        out = jnp.moveaxis(out, 3, 1)
    if _tt(images).ndim == 3:
        out = out[0]
    return out


@register("ssim")
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
    """Structural similarity per image (mean over pixels and channels)."""
    x1, _ = _to_nhwc("ssim", image1, data_format)
    x2, _ = _to_nhwc("ssim", image2, data_format)
    if x1.shape != x2.shape:
        raise ValueError(f"ssim: images must have the same shape. Received {x1.shape}, {x2.shape}")
    unbatched = _tt(image1).ndim == 3
    dtype = _compute_dtype(x1)
    x1, x2 = x1.astype(dtype), x2.astype(dtype)
    g = _gaussian_kernel1d(filter_size, filter_sigma, dtype)
    kernel = jnp.tile(jnp.outer(g, g)[:, :, None, None], (1, 1, 1, x1.shape[-1]))

    def blur(v):
        return jax.lax.conv_general_dilated(
            v,
            kernel,
            (1, 1),
            "VALID",
            dimension_numbers=("NHWC", "HWIO", "NHWC"),
            feature_group_count=v.shape[-1],
        )

    c1 = (k1 * max_val) ** 2
    c2 = (k2 * max_val) ** 2
    mu1, mu2 = blur(x1), blur(x2)
    s11 = blur(x1 * x1) - mu1 * mu1
    s22 = blur(x2 * x2) - mu2 * mu2
    s12 = blur(x1 * x2) - mu1 * mu2
    luminance = (2 * mu1 * mu2 + c1) / (mu1 * mu1 + mu2 * mu2 + c1)
    contrast = (2 * s12 + c2) / (s11 + s22 + c2)
    value = jnp.mean(luminance * contrast, axis=(1, 2, 3))
    return value[0] if unbatched else value


# -- patches ----------------------------------------------------------------------------------
def _patches(name, images, size, strides, dilation_rate, padding, data_format, n):
    x, back = _to_nhwc(name, images, data_format, rank=n + 2)
    size = (size,) * n if isinstance(size, int) else tuple(size)
    strides = (
        size
        if strides is None
        else ((strides,) * n if isinstance(strides, int) else tuple(strides))
    )
    dilation = (dilation_rate,) * n if isinstance(dilation_rate, int) else tuple(dilation_rate)
    if padding not in ("valid", "same"):
        raise ValueError(f"{name}: `padding` must be 'valid' or 'same'. Received: {padding!r}")
    spatial = "DHW"[-n:]
    spec = "N" + spatial + "C"
    patches = jax.lax.conv_general_dilated_patches(
        x,
        filter_shape=size,
        window_strides=strides,
        padding=padding.upper(),
        rhs_dilation=dilation,
        dimension_numbers=(spec, spatial + "IO", spec),
    )
    # jax orders the patch features (channel, *window); Keras uses (*window, channel).
    channels = x.shape[-1]
    lead = patches.shape[:-1]
    patches = patches.reshape(lead + (channels, math.prod(size)))
    patches = jnp.swapaxes(patches, -1, -2).reshape(lead + (-1,))
    return back(patches)


@register("extract_patches")
def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """Patches of ``size`` as the channel axis: ``(batch, h', w', ph * pw * channels)``."""
    return _patches(
        "extract_patches", images, size, strides, dilation_rate, padding, data_format, 2
    )


@register("extract_patches_3d")
def extract_patches_3d(
    volumes, size, strides=None, dilation_rate=1, padding="valid", data_format=None
):
    """3-D patches as the channel axis: ``(batch, d', h', w', pd * ph * pw * channels)``."""
    return _patches(
        "extract_patches_3d", volumes, size, strides, dilation_rate, padding, data_format, 3
    )


# -- padding and cropping ---------------------------------------------------------------------
def _resolve(name, a, b, target, size, what):
    given = [a, b, target].count(None)
    if given != 1:
        raise ValueError(
            f"{name}: give exactly two of top/bottom (or left/right) {what} and the target size."
            f" Received: {a}, {b}, target={target}"
        )
    if a is None:
        a = (target - size - b) if what == "padding" else (size - target - b)
    if b is None:
        b = (target - size - a) if what == "padding" else (size - target - a)
    if a < 0 or b < 0:
        raise ValueError(
            f"{name}: the {what} must be non-negative. Received: {a}, {b} for size {size}, "
            f"target={target}"
        )
    return a, b


@register("pad_images")
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
    """Zero-pad images to a size or by explicit paddings."""
    x, back = _to_nhwc("pad_images", images, data_format)
    height, width = x.shape[1], x.shape[2]
    top, bottom = _resolve(
        "pad_images", top_padding, bottom_padding, target_height, height, "padding"
    )
    left, right = _resolve(
        "pad_images", left_padding, right_padding, target_width, width, "padding"
    )
    return back(jnp.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0))))


@register("crop_images")
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
    """Crop images to a size or by explicit croppings."""
    x, back = _to_nhwc("crop_images", images, data_format)
    height, width = x.shape[1], x.shape[2]
    top, bottom = _resolve(
        "crop_images", top_cropping, bottom_cropping, target_height, height, "cropping"
    )
    left, right = _resolve(
        "crop_images", left_cropping, right_cropping, target_width, width, "cropping"
    )
    if top + bottom >= height or left + right >= width:
        raise ValueError(
            f"crop_images: cropping {top + bottom}x{left + right} leaves nothing of an image "
            f"of size {height}x{width}."
        )
    return back(x[:, top : height - bottom, left : width - right, :])
