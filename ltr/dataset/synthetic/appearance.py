"""What a synthetic object looks like: its shape (alpha mask) and its augmented texture.

Conventions: images are ``(H, W, 3)`` uint8 RGB, masks ``(H, W)`` float32 alpha in [0, 1]. A shape mask of size
``(w, h)`` touches all four sides of its ``w x h`` frame, so the ground-truth box of an object is the tight box of
its visible shape, as in GOT-10k.
"""
import math

import cv2
import numpy as np

__all__ = ['SHAPE_KINDS', 'shape_mask', 'random_texture_window', 'cut_window', 'jitter_colour', 'augment_texture',
           'rotate_rgba', 'motion_blur_rgba', 'tight_box']

#: Target/distractor shapes: filled rectangle, ellipse, random star-shaped polygon, silhouette (horse, blobs), and
#: the outline of a stamp cutout (:mod:`~ltr.dataset.synthetic.stamps`; its texture is the stamp itself).
SHAPE_KINDS = ('rectangle', 'ellipse', 'polygon', 'silhouette', 'stamp')


def shape_mask(kind: str, w: int, h: int, params: dict) -> np.ndarray:
    """Alpha mask ``(h, w)`` of a shape that fills its box (values 0..1, anti-aliased edges).

    ``params`` fixes the shape across frames: 'polygon' uses ``params['radii']`` (K relative radii) and
    ``params['phase']``; 'silhouette' uses ``params['silhouette']`` (a bool array cropped to its box);
    'rectangle' may round its corners by ``params['corner']`` (fraction of the shorter side); 'stamp' resizes
    ``params['alpha']`` (the stamp's float32 alpha, cropped to its box).
    """
    w, h = max(int(w), 2), max(int(h), 2)
    if kind == 'stamp':
        a = params['alpha']
        interp = cv2.INTER_AREA if (w < a.shape[1] and h < a.shape[0]) else cv2.INTER_LINEAR
        return np.clip(cv2.resize(a, (w, h), interpolation=interp), 0.0, 1.0).astype(np.float32)
    if kind == 'rectangle':
        mask = np.ones((h, w), np.float32)
        r = int(round(params.get('corner', 0.0) * min(w, h)))
        if r >= 1:
            mask[:] = 0
            cv2.rectangle(mask, (r, 0), (w - 1 - r, h - 1), 1.0, -1)
            cv2.rectangle(mask, (0, r), (w - 1, h - 1 - r), 1.0, -1)
            for cx, cy in ((r, r), (w - 1 - r, r), (r, h - 1 - r), (w - 1 - r, h - 1 - r)):
                cv2.circle(mask, (cx, cy), r, 1.0, -1, lineType=cv2.LINE_AA)
        return mask
    ss = 4  # supersampling for smooth edges
    if kind == 'ellipse':
        big = np.zeros((h * ss, w * ss), np.uint8)
        cv2.ellipse(big, (((w * ss - 1) / 2.0, (h * ss - 1) / 2.0), (float(w * ss), float(h * ss)), 0.0), 255, -1)
    elif kind == 'polygon':
        radii = np.asarray(params['radii'], np.float64)
        ang = params['phase'] + np.arange(len(radii)) * (2 * math.pi / len(radii))
        pts = np.stack([radii * np.cos(ang), radii * np.sin(ang)], axis=1)
        pts = (pts - pts.min(0)) / np.maximum(pts.max(0) - pts.min(0), 1e-9)   # exactly fills [0, 1]^2
        pts = pts * [w * ss - 1, h * ss - 1]
        big = np.zeros((h * ss, w * ss), np.uint8)
        cv2.fillPoly(big, [np.round(pts).astype(np.int32)], 255)
    elif kind == 'silhouette':
        sil = params['silhouette'].astype(np.uint8) * 255
        big = cv2.resize(sil, (w * ss, h * ss), interpolation=cv2.INTER_LINEAR)
    else:
        raise ValueError(f"unknown shape kind {kind!r}; allowed: {SHAPE_KINDS}")
    return cv2.resize(big, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0


def random_texture_window(photo: np.ndarray, rng, aspect: float, min_frac: float, max_frac: float, tries: int = 4):
    """The most textured (highest luminance std) of ``tries`` random windows ``[x, y, w, h]`` (floats) of
    aspect ``aspect`` (w/h) covering ``min_frac..max_frac`` of the largest such window of the photo."""
    ph, pw = photo.shape[:2]
    best, best_std = None, -1.0
    for _ in range(tries):
        max_w = min(pw, ph * aspect)
        w = max(max_w * rng.uniform(min_frac, max_frac), 2.0)
        h = max(w / aspect, 2.0)
        win = np.array([rng.uniform(0, max(pw - w, 0)), rng.uniform(0, max(ph - h, 0)), w, h])
        std = float(cut_window(photo, win).std())
        if std > best_std:
            best, best_std = win, std
    return best


def cut_window(photo: np.ndarray, win) -> np.ndarray:
    """Integer crop of a float window ``[x, y, w, h]``, clipped to the photo (at least 2x2 pixels)."""
    ph, pw = photo.shape[:2]
    x0 = int(np.clip(round(win[0]), 0, pw - 2))
    y0 = int(np.clip(round(win[1]), 0, ph - 2))
    x1 = int(np.clip(round(win[0] + win[2]), x0 + 2, pw))
    y1 = int(np.clip(round(win[1] + win[3]), y0 + 2, ph))
    return photo[y0:y1, x0:x1]


def jitter_colour(im: np.ndarray, hue_shift: float = 0.0, sat_scale: float = 1.0, gain: float = 1.0,
                  gamma: float = 1.0) -> np.ndarray:
    """Hue rotation (degrees), saturation scale, brightness gain and gamma of an RGB uint8 image."""
    out = im
    if hue_shift != 0.0 or sat_scale != 1.0:
        hsv = cv2.cvtColor(im, cv2.COLOR_RGB2HSV_FULL).astype(np.float32)
        hsv[..., 0] = np.mod(hsv[..., 0] + hue_shift * 256.0 / 360.0, 256.0)
        hsv[..., 1] = np.clip(hsv[..., 1] * sat_scale, 0, 255)
        out = cv2.cvtColor(hsv.astype(np.uint8), cv2.COLOR_HSV2RGB_FULL)
    if gain != 1.0 or gamma != 1.0:
        lut = np.clip(255.0 * gain * (np.arange(256) / 255.0) ** gamma, 0, 255).astype(np.uint8)
        out = cv2.LUT(out, lut)
    return out


def augment_texture(im: np.ndarray, rng, strength: float = 1.0, mirror: bool = True) -> np.ndarray:
    """Random appearance of a texture: colour jitter, mirror, grey, blur, sharpen (``strength`` scales the
    colour changes; ``mirror=False`` for a texture tied to an alpha mask, e.g. a stamp, which is mirrored with its
    mask instead: no mirror and one random number fewer). Returns a new uint8 RGB image of the same size."""
    out = jitter_colour(im, hue_shift=rng.uniform(-40, 40) * strength if rng.random() < 0.5 else 0.0,
                        sat_scale=math.exp(rng.uniform(-0.5, 0.5) * strength),
                        gain=math.exp(rng.uniform(-0.3, 0.3) * strength),
                        gamma=math.exp(rng.uniform(-0.3, 0.3) * strength))
    if mirror and rng.random() < 0.5:
        out = out[:, ::-1]
    if rng.random() < 0.1:
        g = cv2.cvtColor(np.ascontiguousarray(out), cv2.COLOR_RGB2GRAY)
        out = np.repeat(g[:, :, None], 3, axis=2)
    r = rng.random()
    if r < 0.15:
        out = cv2.GaussianBlur(np.ascontiguousarray(out), (0, 0), rng.uniform(0.6, 1.5))
    elif r < 0.25:
        blur = cv2.GaussianBlur(np.ascontiguousarray(out), (0, 0), 1.0)
        out = cv2.addWeighted(np.ascontiguousarray(out), 1.6, blur, -0.6, 0)
    return np.ascontiguousarray(out)


def rotate_rgba(rgb: np.ndarray, alpha: np.ndarray, angle_deg: float):
    """Rotate an object (colour + alpha) by ``angle_deg`` (counter-clockwise) about its centre onto a canvas
    large enough to hold it. Returns ``(rgb, alpha)``."""
    if abs(angle_deg) < 0.5:
        return rgb, alpha
    h, w = alpha.shape
    a = math.radians(angle_deg)
    nw = int(math.ceil(abs(w * math.cos(a)) + abs(h * math.sin(a))))
    nh = int(math.ceil(abs(w * math.sin(a)) + abs(h * math.cos(a))))
    m = cv2.getRotationMatrix2D(((w - 1) / 2.0, (h - 1) / 2.0), angle_deg, 1.0)
    m[0, 2] += (nw - w) / 2.0
    m[1, 2] += (nh - h) / 2.0
    rgb_r = cv2.warpAffine(rgb, m, (nw, nh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    alpha_r = cv2.warpAffine(alpha, m, (nw, nh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                             borderValue=0)
    return rgb_r, alpha_r


def motion_blur_rgba(rgb: np.ndarray, alpha: np.ndarray, dx: float, dy: float):
    """Blur an object along its motion ``(dx, dy)`` pixels (line kernel of that length), colour premultiplied by
    alpha so that the blurred edges fade into the background. Returns ``(rgb, alpha)`` of a larger canvas
    (padded by the blur length) and the padding ``pad`` (the object's top-left moves by ``-pad``)."""
    length = math.hypot(dx, dy)
    k = int(round(length))
    if k < 2:
        return rgb, alpha, 0
    pad = k // 2 + 1
    kernel = np.zeros((2 * pad + 1, 2 * pad + 1), np.float32)
    c = pad
    ux, uy = dx / length, dy / length
    for t in np.linspace(-k / 2.0, k / 2.0, 2 * k + 1):
        kernel[int(round(c + t * uy)), int(round(c + t * ux))] = 1.0
    kernel /= kernel.sum()
    a = cv2.copyMakeBorder(alpha, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    p = cv2.copyMakeBorder(rgb.astype(np.float32) * alpha[:, :, None], pad, pad, pad, pad, cv2.BORDER_CONSTANT,
                           value=0)
    a_b = cv2.filter2D(a, -1, kernel, borderType=cv2.BORDER_CONSTANT)
    p_b = cv2.filter2D(p, -1, kernel, borderType=cv2.BORDER_CONSTANT)
    rgb_b = np.where(a_b[:, :, None] > 1e-3, p_b / np.maximum(a_b[:, :, None], 1e-3), 0)
    return np.clip(rgb_b, 0, 255).astype(np.uint8), a_b, pad


def tight_box(alpha: np.ndarray, threshold: float = 0.5):
    """``[x, y, w, h]`` (ints) of the pixels with ``alpha >= threshold``; None if there are none."""
    ys = np.flatnonzero((alpha >= threshold).any(axis=1))
    if ys.size == 0:
        return None
    xs = np.flatnonzero((alpha >= threshold).any(axis=0))
    return [int(xs[0]), int(ys[0]), int(xs[-1] - xs[0] + 1), int(ys[-1] - ys[0] + 1)]
