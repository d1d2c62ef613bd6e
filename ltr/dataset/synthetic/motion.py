"""How synthetic objects and the camera move: smooth random schedules over the frames of a sequence.

All functions return per-frame arrays (first axis = frame) and draw every random number from the given
``np.random.Generator``.
"""
import math

import cv2
import numpy as np

__all__ = ['SPEED_CLASSES', 'smooth_noise', 'size_schedule', 'rotation_schedule', 'trajectory',
           'photo_camera', 'video_camera']

#: Target speed per frame as a fraction of the frame diagonal: (low, high) for each class.
SPEED_CLASSES = {'slow': (0.002, 0.012), 'medium': (0.012, 0.03), 'fast': (0.03, 0.07)}


def smooth_noise(rng, num_frames: int, amplitude: float, cycles=(0.3, 1.5), terms: int = 2) -> np.ndarray:
    """``(F,)`` sum of ``terms`` sinusoids with random frequency (``cycles`` per sequence) and phase, scaled so
    that each term has the given amplitude divided by ``terms``."""
    t = np.arange(num_frames) / max(num_frames, 1)
    out = np.zeros(num_frames)
    for _ in range(terms):
        out += np.sin(2 * np.pi * rng.uniform(*cycles) * t + rng.uniform(0, 2 * np.pi))
    return amplitude * out / terms


def follower_offsets(rng, num_frames: int, side: float, distance=(0.7, 2.0)) -> np.ndarray:
    """``(F, 2)`` offsets ``(dx, dy)`` in pixels of an object that follows another one around: the distance drifts
    smoothly about ``uniform(*distance) * side`` (x0.74..1.35) and the direction turns smoothly (up to about a
    quarter turn each way), so the follower circles and crosses its leader's neighbourhood."""
    radius = side * rng.uniform(*distance) * np.exp(smooth_noise(rng, num_frames, 0.3))
    angle = rng.uniform(0, 2 * np.pi) + smooth_noise(rng, num_frames, 1.5)
    return np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)


def size_schedule(rng, num_frames: int, w0: float, h0: float, kind: str) -> np.ndarray:
    """``(F, 2)`` object sizes ``(w, h)`` in pixels before rotation.

    kind: 'steady' (small breathing and deformation), 'zoom' (the log-scale ramps by +-0.5..1.1 over the
    sequence: approach or retreat), 'pulse' (large oscillations of scale and aspect).
    """
    t = np.linspace(0.0, 1.0, num_frames)
    if kind == 'steady':
        log_s = smooth_noise(rng, num_frames, rng.uniform(0.05, 0.2))
        log_a = smooth_noise(rng, num_frames, rng.uniform(0.05, 0.25))
    elif kind == 'zoom':
        log_s = rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 1.1) * t + smooth_noise(rng, num_frames, 0.08)
        log_a = smooth_noise(rng, num_frames, rng.uniform(0.05, 0.2))
    elif kind == 'pulse':
        log_s = smooth_noise(rng, num_frames, rng.uniform(0.3, 0.6), cycles=(0.8, 2.5))
        log_a = smooth_noise(rng, num_frames, rng.uniform(0.2, 0.5), cycles=(0.8, 2.5))
    else:
        raise ValueError(f"size schedule kind {kind!r}; allowed: 'steady', 'zoom', 'pulse'")
    return np.stack([w0 * np.exp(log_s + 0.5 * log_a), h0 * np.exp(log_s - 0.5 * log_a)], axis=1)


def rotation_schedule(rng, num_frames: int, kind: str) -> np.ndarray:
    """``(F,)`` in-plane rotation in degrees. kind: 'none', 'sway' (+-5..25 deg oscillation) or 'spin' (a turn of
    +-60..240 deg over the sequence)."""
    if kind == 'none':
        return np.zeros(num_frames)
    if kind == 'sway':
        return smooth_noise(rng, num_frames, rng.uniform(5, 25), cycles=(0.5, 2.0))
    if kind == 'spin':
        return rng.choice([-1.0, 1.0]) * rng.uniform(60, 240) * np.linspace(0.0, 1.0, num_frames)
    raise ValueError(f"rotation schedule kind {kind!r}; allowed: 'none', 'sway', 'spin'")


def trajectory(rng, half_extent: np.ndarray, frame_w: int, frame_h: int, speed: float, num_jumps: int = 0,
               start=None) -> np.ndarray:
    """``(F, 2)`` centres ``(x, y)`` of an object whose half-extent per frame is ``half_extent`` ``(F, 2)``.

    The velocity turns randomly (random acceleration, speed kept within 0.3..1.5 of ``speed`` px/frame); the centre
    is reflected at the borders so that the whole extent stays inside the frame. ``num_jumps`` abrupt moves of
    0.15..0.35 of the frame diagonal happen at random frames (camera cuts / very fast motion).
    """
    num_frames = len(half_extent)
    lo = half_extent
    hi = np.array([frame_w, frame_h], dtype=np.float64) - half_extent
    hi = np.maximum(hi, lo)
    c = np.array([rng.uniform(lo[0, 0], hi[0, 0]), rng.uniform(lo[0, 1], hi[0, 1])]) if start is None \
        else np.asarray(start, np.float64).copy()
    angle = rng.uniform(0, 2 * np.pi)
    v = speed * np.array([math.cos(angle), math.sin(angle)])
    noise = rng.normal(0.0, 0.25 * speed, size=(num_frames, 2))
    jump_frames = set(rng.choice(np.arange(1, num_frames), size=min(num_jumps, num_frames - 1),
                                 replace=False).tolist()) if num_frames > 1 and num_jumps else set()
    diag = math.hypot(frame_w, frame_h)
    jump_dirs = rng.uniform(0, 2 * np.pi, size=num_frames)
    jump_lens = rng.uniform(0.15, 0.35, size=num_frames) * diag
    centres = np.empty((num_frames, 2))
    for t in range(num_frames):  # one step per frame (the motion is a recurrence), never per pixel
        if t > 0:
            v = v + noise[t]
            norm = float(np.linalg.norm(v))
            v = v * np.clip(norm, 0.3 * speed, 1.5 * speed) / max(norm, 1e-9)
            c = c + v
            if t in jump_frames:
                c = c + jump_lens[t] * np.array([math.cos(jump_dirs[t]), math.sin(jump_dirs[t])])
        for d in range(2):
            span = hi[t, d] - lo[t, d]
            if span <= 0:
                c[d] = lo[t, d]
                continue
            # reflect into [lo, hi]: k boundary crossings; an odd count mirrors the position and the velocity
            k = math.floor((c[d] - lo[t, d]) / span)
            r = c[d] - lo[t, d] - k * span
            c[d] = lo[t, d] + r if k % 2 == 0 else hi[t, d] - r
            if k % 2:
                v[d] = -v[d]
        centres[t] = c
    return centres


def photo_camera(rng, num_frames: int, photo_hw, frame_w: int, frame_h: int, shake: float = 0.0) -> np.ndarray:
    """``(F, 2, 3)`` affine maps photo -> frame of a camera that pans, zooms and rolls slowly over a photograph
    (``shake``: extra per-frame jitter in frame pixels). The view always stays inside the photo."""
    ph, pw = photo_hw
    base = max(frame_w / pw, frame_h / ph) * rng.uniform(1.05, 1.8)       # frame px per photo px
    log_zoom = np.linspace(0, rng.uniform(-0.35, 0.35), num_frames) + smooth_noise(rng, num_frames, 0.05)
    zoom = base * np.exp(log_zoom - min(0.0, log_zoom.min()))              # never below ``base``
    roll = smooth_noise(rng, num_frames, rng.uniform(0, 6) if rng.random() < 0.4 else 0.0)
    mats = np.empty((num_frames, 2, 3))
    start, end = rng.uniform(0, 1, 2), rng.uniform(0, 1, 2)
    frac = np.linspace(0, 1, num_frames)[:, None]
    u = start + frac * (end - start)                                       # pan in [0, 1]^2 of the free range
    jitter = rng.normal(0, shake, size=(num_frames, 2)) if shake > 0 else np.zeros((num_frames, 2))
    for t in range(num_frames):
        view_w, view_h = frame_w / zoom[t], frame_h / zoom[t]              # view size in photo px (roll ignored)
        cx = view_w / 2 + u[t, 0] * max(pw - view_w, 0)
        cy = view_h / 2 + u[t, 1] * max(ph - view_h, 0)
        m = cv2.getRotationMatrix2D((cx, cy), roll[t], zoom[t])
        m[0, 2] += frame_w / 2 - cx + jitter[t, 0]
        m[1, 2] += frame_h / 2 - cy + jitter[t, 1]
        mats[t] = m
    return mats


def video_camera(rng, num_frames: int, video_thw, frame_w: int, frame_h: int):
    """Frame indices ``(F,)`` into a clip (random start, temporal stride 1-2, played backwards with p = 0.3,
    bouncing at the clip's ends) and ``(F, 2, 3)`` affine maps video frame -> output frame (a slowly panning
    and zooming crop of the video)."""
    tv, vh, vw = video_thw
    stride = int(rng.integers(1, 3)) * (-1 if rng.random() < 0.3 else 1)
    start = int(rng.integers(0, tv))
    idx = start + stride * np.arange(num_frames)
    period = 2 * (tv - 1) if tv > 1 else 1
    idx = np.mod(idx, period)
    idx = np.where(idx >= tv, period - idx, idx).astype(np.int64)
    mats = photo_camera(rng, num_frames, (vh, vw), frame_w, frame_h)
    return idx, mats
