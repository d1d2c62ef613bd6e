"""Validation and normalisation of the tracker's inputs (frames and the initial box)."""
import math

import numpy as np


def as_rgb_frame(image) -> np.ndarray:
    """Return an ``(H, W, 3)`` RGB array.

    Accepted: ``(H, W, 3)`` RGB; ``(H, W)`` or ``(H, W, 1)`` grayscale (replicated to 3 channels);
    ``(H, W, 4)`` RGBA (alpha dropped). Anything else raises ``ValueError``.
    """
    if not isinstance(image, np.ndarray):
        raise ValueError(f"frame must be a numpy array (H, W, 3) RGB, got {type(image).__name__}")
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
    x, y, w, h = values
    if w <= 0 or h <= 0:
        raise ValueError(f"init_bbox width and height must be > 0, got w={w}, h={h}")
    height, width = image_hw
    if x >= width or y >= height or x + w <= 0 or y + h <= 0:
        raise ValueError(f"init_bbox {values} lies outside the {width}x{height} image")
    return values
