"""Validation and normalisation of the tracker's inputs (frames and the initial box)."""
import math

import numpy as np


#: Pixel types accepted by :func:`as_rgb_frame` and how they are read.
FRAME_DTYPES = ('uint8 (0..255)', 'float16/32/64 in [0, 255] (finite)', 'uint16 (0..65535, scaled by 255/65535)',
                'bool (False = 0, True = 255)')


def as_rgb_frame(image) -> np.ndarray:
    """Return an ``(H, W, 3)`` RGB array (uint8, or float32 in [0, 255]).

    Accepted shapes: ``(H, W, 3)`` RGB; ``(H, W)`` or ``(H, W, 1)`` grayscale (replicated to 3 channels);
    ``(H, W, 4)`` RGBA (alpha dropped). Accepted pixel types: :data:`FRAME_DTYPES`. Anything else (other shapes,
    signed/complex/object/string pixels, float pixels outside [0, 255], NaN or infinite pixels) raises
    ``ValueError`` naming the problem: a bad frame never reaches the network.
    """
    if not isinstance(image, np.ndarray):
        raise ValueError(f"frame must be a numpy array (H, W, 3) RGB, got {type(image).__name__}")
    if image.dtype == np.uint8:
        pass
    elif image.dtype == np.bool_:
        image = image.astype(np.uint8) * 255
    elif image.dtype == np.uint16:
        image = (image.astype(np.float32) * (255.0 / 65535.0))
    elif image.dtype.kind == 'f':
        if not np.isfinite(image).all():
            raise ValueError(f"frame has {int((~np.isfinite(image)).sum())} non-finite (NaN or infinite) pixel values")
        lo = float(image.min()) if image.size else 0.0
        hi = float(image.max()) if image.size else 0.0
        if lo < 0 or hi > 255:
            raise ValueError(f"float frame values must lie in [0, 255], got [{lo}, {hi}]")
        image = image.astype(np.float32, copy=False)
    else:
        raise ValueError(f"frame pixel type {image.dtype} is not supported; allowed: {', '.join(FRAME_DTYPES)}")
    if image.ndim == 2:
        image = image[:, :, None]
    if image.ndim != 3 or image.shape[2] not in (1, 3, 4):
        raise ValueError(f"frame must be (H, W), (H, W, 1), (H, W, 3) or (H, W, 4), got shape {image.shape}")
    if image.shape[0] < 2 or image.shape[1] < 2:
        raise ValueError(f"frame of shape {image.shape} is too small (need at least 2x2 pixels)")
    if image.shape[2] == 1:
        image = np.repeat(image, 3, axis=2)
    elif image.shape[2] == 4:
        image = image[:, :, :3]
    return image


def check_init_box(box, image_hw) -> list:
    """Validate ``[x, y, w, h]`` (image pixels): 4 finite numbers, ``w, h > 0``, overlapping the image.

    Returns the box as a list of floats; raises ``ValueError`` naming the box and the rule it breaks.
    """
    try:
        values = [float(v) for v in box]
    except TypeError:
        raise ValueError(f"init_bbox must be 4 numbers [x, y, w, h], got {box!r}") from None
    if len(values) != 4:
        raise ValueError(f"init_bbox must be 4 numbers [x, y, w, h], got {len(values)} values: {box!r}")
    if not all(math.isfinite(v) for v in values):
        raise ValueError(f"init_bbox must be finite, got {values}")
    limit = 1e7
    if any(abs(v) > limit for v in values):
        raise ValueError(f"init_bbox values must lie within +-{limit:g} pixels, got {values}")
    x, y, w, h = values
    if w <= 0 or h <= 0:
        raise ValueError(f"init_bbox width and height must be > 0, got w={w}, h={h}")
    height, width = image_hw
    if x >= width or y >= height or x + w <= 0 or y + h <= 0:
        raise ValueError(f"init_bbox {values} lies outside the {width}x{height} image")
    return values
