"""Procedural appearances: textures that no photograph supplies, to widen what a synthetic target or background
can look like (generator option ``appearance='mixed'``, :mod:`~ltr.dataset.synthetic.render`).

Two families, all ``(H, W, 3)`` uint8 RGB and drawn from the given ``np.random.Generator`` only:

* generated from nothing: :func:`fractal_noise` (1/f^beta noise through a random colour ramp), :func:`gratings`
  (sine or square-wave stripes, checkerboards, in random orientations and colours), :func:`dead_leaves` (overlapping
  discs and rectangles of random colours, the "dead leaves" image model);
* remixed photographs: :func:`colour_remap` (a random colour-space rotation and random per-channel tone curves, so
  a photograph takes colours it never had) and :func:`tile_shuffle` (a photograph cut into a grid of tiles, permuted
  and mirrored, keeping its local texture but not its layout).

:func:`procedural_texture` picks one of them (:data:`GENERATED_KINDS` or :data:`REMIX_KINDS`).
"""
import math

import cv2
import numpy as np

__all__ = ['GENERATED_KINDS', 'REMIX_KINDS', 'random_palette', 'apply_palette', 'fractal_noise', 'gratings',
           'dead_leaves', 'paint_leaves', 'colour_remap', 'tile_shuffle', 'procedural_texture']

#: Textures generated without a photograph.
GENERATED_KINDS = ('noise', 'stripes', 'leaves')
#: Textures remixed from a photograph.
REMIX_KINDS = ('remap', 'shuffle')

#: Longest side at which :func:`dead_leaves` and :func:`fractal_noise` compute (larger outputs are upsampled).
MAX_WORK_SIDE = 256


def random_palette(rng, num_colours=None) -> np.ndarray:
    """``(K, 3)`` float32 random RGB colours (K = 2..5 unless given), values 0..255."""
    k = int(rng.integers(2, 6)) if num_colours is None else int(num_colours)
    return rng.uniform(0, 255, size=(k, 3)).astype(np.float32)


def apply_palette(field: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """Map a scalar field ``(H, W)`` with values in [0, 1] through the colour ramp ``palette`` ``(K, 3)`` (colour
    ``k`` at ``k / (K - 1)``, linear in between). Returns ``(H, W, 3)`` uint8."""
    knots = np.linspace(0.0, 1.0, len(palette))
    f = np.clip(field, 0.0, 1.0).ravel()
    out = np.stack([np.interp(f, knots, palette[:, c]) for c in range(3)], axis=1)
    return np.clip(np.round(out), 0, 255).astype(np.uint8).reshape(field.shape + (3,))


def _work_size(h: int, w: int):
    s = min(1.0, MAX_WORK_SIDE / max(h, w))
    return max(int(round(h * s)), 2), max(int(round(w * s)), 2)


def _normalise(field: np.ndarray) -> np.ndarray:
    lo, hi = float(field.min()), float(field.max())
    return (field - lo) / max(hi - lo, 1e-9)


def fractal_noise(rng, h: int, w: int) -> np.ndarray:
    """Gaussian noise with a ``1/f^beta`` amplitude spectrum (beta 1..2.5: from grainy to cloudy), anisotropic in a
    random direction, through a random colour ramp. ``(h, w, 3)`` uint8."""
    wh, ww = _work_size(h, w)
    beta = rng.uniform(1.0, 2.5)
    stretch = math.exp(rng.uniform(-0.7, 0.7))
    angle = rng.uniform(0, math.pi)
    fy = np.fft.fftfreq(wh)[:, None]
    fx = np.fft.rfftfreq(ww)[None, :]
    u = fx * math.cos(angle) + fy * math.sin(angle)
    v = -fx * math.sin(angle) + fy * math.cos(angle)
    f = np.sqrt((u * stretch) ** 2 + (v / stretch) ** 2)
    f[0, 0] = 1.0
    spectrum = (rng.standard_normal(f.shape) + 1j * rng.standard_normal(f.shape)) / f ** beta
    spectrum[0, 0] = 0.0
    field = _normalise(np.fft.irfft2(spectrum, s=(wh, ww)))
    if rng.random() < 0.3:                                   # banded (marble-like) variant
        field = 0.5 + 0.5 * np.sin(field * rng.uniform(6, 20))
    rgb = apply_palette(field.astype(np.float32), random_palette(rng))
    return cv2.resize(rgb, (w, h), interpolation=cv2.INTER_LINEAR) if (wh, ww) != (h, w) else rgb


def gratings(rng, h: int, w: int) -> np.ndarray:
    """Stripes (sine or square wave, 1-2 superposed orientations) or a rotated checkerboard, 2-12 periods across
    the image, through a random colour ramp. ``(h, w, 3)`` uint8."""
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    ys /= max(h, w)
    xs /= max(h, w)
    kind = ('sine', 'square', 'checker')[int(rng.integers(3))]
    field = np.zeros((h, w), np.float32)
    n = 2 if kind == 'checker' else int(rng.integers(1, 3))
    base = rng.uniform(0, math.pi)
    for i in range(n):                                       # at most two orientations (not a loop over pixels)
        a = base + (math.pi / 2 if kind == 'checker' else rng.uniform(0, math.pi)) * i
        period = 1.0 / rng.uniform(2, 12)
        phase = (xs * math.cos(a) + ys * math.sin(a)) / period * 2 * math.pi + rng.uniform(0, 2 * math.pi)
        wave = np.sin(phase)
        field = field * wave if (kind == 'checker' and i == 1) else field + wave
    if kind != 'sine':
        field = (field > 0).astype(np.float32)
    rgb = apply_palette(_normalise(field), random_palette(rng, 2 if kind != 'sine' else None))
    return cv2.GaussianBlur(rgb, (0, 0), 0.7)


def dead_leaves(rng, h: int, w: int) -> np.ndarray:
    """Dead-leaves image: 20-80 discs and rectangles with power-law radii, random aspect ratios and random colours,
    each covering those below it (:func:`paint_leaves`). ``(h, w, 3)`` uint8."""
    wh, ww = _work_size(h, w)
    n = int(rng.integers(20, 81))
    side = max(wh, ww)
    # radii from a power law between 2 % and 40 % of the side (many small leaves, few large ones)
    r_min, r_max = 0.02 * side, 0.4 * side
    leaves = {'radius': (r_min ** -2 + rng.random(n) * (r_max ** -2 - r_min ** -2)) ** -0.5,
              'cx': rng.uniform(0, ww, n), 'cy': rng.uniform(0, wh, n), 'disc': rng.random(n) < 0.5,
              'aspect': np.exp(rng.uniform(-0.6, 0.6, n)),
              'colour': rng.uniform(0, 255, size=(n, 3)).astype(np.float32)}
    rgb = paint_leaves(leaves, wh, ww)
    return cv2.resize(rgb, (w, h), interpolation=cv2.INTER_NEAREST) if (wh, ww) != (h, w) else rgb


def paint_leaves(leaves: dict, h: int, w: int) -> np.ndarray:
    """Paint N leaves in order (leaf ``i + 1`` covers leaf ``i``) onto an ``(h, w)`` canvas.

    ``leaves``: arrays of length N: 'cx', 'cy' (centre, pixels), 'radius', 'aspect' (a leaf spans
    ``radius / aspect`` horizontally and ``radius * aspect`` vertically from its centre), 'disc' (bool: ellipse,
    else axis-aligned rectangle), 'colour' ``(N, 3)`` in [0, 256) (truncated to uint8). With ``dx = x - cx``,
    ``dy = y - cy`` at a pixel's integer coordinates, the pixel is inside a leaf when
    ``(dx * aspect)^2 + (dy / aspect)^2 <= radius^2`` (ellipse) or ``|dx| * aspect <= radius`` and
    ``|dy| / aspect <= radius`` (rectangle). Pixels no leaf covers take leaf 0's colour. Returns ``(h, w, 3)`` uint8.
    """
    n = len(leaves['radius'])
    col = lambda k: np.asarray(leaves[k], np.float32)[:, None, None]  # noqa: E731  (N, 1, 1)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    dx = (xs[None] - col('cx')) * col('aspect')
    dy = (ys[None] - col('cy')) / col('aspect')
    r = col('radius')
    inside = np.where(np.asarray(leaves['disc'])[:, None, None], dx * dx + dy * dy <= r * r,
                      (np.abs(dx) <= r) & (np.abs(dy) <= r))                              # (N, h, w)
    top = n - 1 - np.argmax(inside[::-1], axis=0)           # the last leaf covering a pixel is on top
    top[~inside.any(axis=0)] = 0
    return np.asarray(leaves['colour'], np.float32)[top].astype(np.uint8)


def colour_remap(rng, im: np.ndarray) -> np.ndarray:
    """A photograph with new colours: a random rotation of the centred RGB space (with a random channel
    permutation), then one random monotone tone curve per channel (inverted with probability 0.3). Same size."""
    q, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    mix = q[:, rng.permutation(3)].astype(np.float32)
    x = im.reshape(-1, 3).astype(np.float32) - 127.5
    y = np.clip(x @ mix.T + 127.5, 0, 255)
    steps = rng.gamma(0.7, size=(3, 16)) + 1e-3                 # random monotone curves through 16 knots
    curves = np.concatenate([np.zeros((3, 1)), np.cumsum(steps, axis=1)], axis=1)
    curves = curves / curves[:, -1:] * 255.0
    invert = rng.random(3) < 0.3
    curves[invert] = 255.0 - curves[invert]
    knots = np.linspace(0, 255, 17)
    out = np.stack([np.interp(y[:, c], knots, curves[c]) for c in range(3)], axis=1)
    return np.clip(np.round(out), 0, 255).astype(np.uint8).reshape(im.shape)


def tile_shuffle(rng, im: np.ndarray) -> np.ndarray:
    """A photograph cut into a grid of 2-4 x 2-4 tiles, the tiles permuted and each mirrored with probability 0.5.
    Output ``(gh * th, gw * tw, 3)``: the image cropped to a multiple of the tile size."""
    gy, gx = int(rng.integers(2, 5)), int(rng.integers(2, 5))
    th, tw = max(im.shape[0] // gy, 1), max(im.shape[1] // gx, 1)
    tiles = im[:gy * th, :gx * tw].reshape(gy, th, gx, tw, 3).transpose(0, 2, 1, 3, 4).reshape(gy * gx, th, tw, 3)
    tiles = tiles[rng.permutation(gy * gx)]
    flip = rng.random(gy * gx) < 0.5
    tiles = np.where(flip[:, None, None, None], tiles[:, :, ::-1], tiles)
    return np.ascontiguousarray(tiles.reshape(gy, gx, th, tw, 3).transpose(0, 2, 1, 3, 4).reshape(gy * th, gx * tw, 3))


def procedural_texture(rng, kind: str, h: int, w: int, photo: np.ndarray = None) -> np.ndarray:
    """A texture of ``kind``: one of :data:`GENERATED_KINDS` (size ``(int(h), int(w))``) or :data:`REMIX_KINDS`
    (remixing ``photo``, about its size; ``h``, ``w`` unused). Returns ``(H, W, 3)`` uint8 RGB."""
    if kind in GENERATED_KINDS:
        h, w = max(int(h), 2), max(int(w), 2)
        return {'noise': fractal_noise, 'stripes': gratings, 'leaves': dead_leaves}[kind](rng, h, w)
    if kind in REMIX_KINDS:
        if photo is None:
            raise ValueError(f"procedural texture {kind!r} remixes a photograph: pass photo")
        return colour_remap(rng, photo) if kind == 'remap' else tile_shuffle(rng, photo)
    raise ValueError(f"unknown procedural texture kind {kind!r}; allowed: {GENERATED_KINDS + REMIX_KINDS}")
