"""Render one synthetic tracking video (generator version 2).

A sequence composes, bottom to top: a moving background (a clip of a video, or a camera panning, zooming and
rolling over a photograph), 0-4 distractors (look-alikes of the target, other parts of its photograph, or
unrelated objects), the target, and possibly an occluder; then a global illumination change and sensor noise.

The target is a textured shape (rectangle, rounded rectangle, ellipse, random polygon or silhouette) cut from a
photograph and augmented (colour, mirror, grey, blur/sharpen). Over the sequence it moves (slow, medium or fast,
sometimes with abrupt jumps), changes scale (steady, zooming, pulsing) and aspect ratio, rotates in the image
plane, and its texture window drifts (appearance change); fast motion blurs it along its motion.

Ground truth: the tight box of the target's shape (alpha >= 0.5), also where it is occluded, in image pixels,
0-based ``[x, y, w, h]``. ``cover`` follows GOT-10k (8 = fully visible .. 0 = fully hidden) from the fraction of the
target's shape that the occluder leaves visible, and ``absence`` is 1 where cover is 0.
"""
import math

import cv2
import numpy as np

from ltr.dataset.synthetic import appearance as app
from ltr.dataset.synthetic import motion
from ltr.dataset.synthetic.sources import load_photo, load_silhouettes, load_video, split_sources

__all__ = ['render_sequence', 'cover_from_fraction']


def cover_from_fraction(visible_fraction):
    """GOT-10k-style cover label (int array) from visible fractions in [0, 1]:
    8 when fully visible, 0 when fully hidden, otherwise clip(floor(8 * f), 1, 7)."""
    f = np.asarray(visible_fraction, dtype=np.float64)
    cover = np.clip(np.floor(8 * f), 1, 7).astype(np.int64)
    cover[f >= 0.999] = 8
    cover[f <= 0.001] = 0
    return cover


def _pick(rng, options: dict):
    keys = list(options)
    p = np.array([options[k] for k in keys], dtype=np.float64)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


class _Object:
    """A moving textured shape: per-frame size, rotation, centre and gain; :meth:`patch` renders frame t."""

    def __init__(self, rng, texture, shape_kind, shape_params, sizes, rotation, centres, gain, blur):
        self.texture = texture              # augmented photo region the texture window moves in
        self.shape_kind, self.shape_params = shape_kind, shape_params
        self.sizes, self.rotation, self.centres, self.gain = sizes, rotation, centres, gain
        self.blur = blur
        th, tw = texture.shape[:2]
        aspect = sizes[0, 0] / sizes[0, 1]
        # texture window: aspect of the object, 50-85 % of the region, drifting linearly across it
        win_w = min(tw, th * aspect) * rng.uniform(0.5, 0.85)
        win_h = win_w / aspect
        self.win_size = np.array([win_w, win_h])
        self.win_start = np.array([rng.uniform(0, tw - win_w), rng.uniform(0, th - win_h)])
        self.win_end = np.array([rng.uniform(0, tw - win_w), rng.uniform(0, th - win_h)])

    def patch(self, t: int, num_frames: int):
        """``(rgb, alpha, x0, y0)``: the rendered object and the frame position of its top-left pixel."""
        w, h = (max(int(round(v)), 4) for v in self.sizes[t])
        f = t / max(num_frames - 1, 1)
        xy = self.win_start + f * (self.win_end - self.win_start)
        tex = app.cut_window(self.texture, [xy[0], xy[1], self.win_size[0], self.win_size[1]])
        interp = cv2.INTER_AREA if (w < tex.shape[1] and h < tex.shape[0]) else cv2.INTER_LINEAR
        rgb = cv2.resize(tex, (w, h), interpolation=interp)
        if abs(self.gain[t] - 1.0) > 0.01:
            rgb = app.jitter_colour(rgb, gain=float(self.gain[t]))
        alpha = app.shape_mask(self.shape_kind, w, h, self.shape_params)
        rgb, alpha = app.rotate_rgba(rgb, alpha, float(self.rotation[t]))
        pad = 0
        if self.blur and t > 0:
            d = self.centres[t] - self.centres[t - 1]
            rgb, alpha, pad = app.motion_blur_rgba(rgb, alpha, 0.5 * d[0], 0.5 * d[1])
        ah, aw = alpha.shape
        x0 = int(round(self.centres[t, 0] - aw / 2.0))
        y0 = int(round(self.centres[t, 1] - ah / 2.0))
        return rgb, alpha, x0, y0


def _composite(frame: np.ndarray, rgb: np.ndarray, alpha: np.ndarray, x0: int, y0: int) -> np.ndarray:
    """Alpha-blend an object into the float32 frame in place; returns the object's alpha placed on a full-frame
    canvas ``(H, W)`` (zeros outside)."""
    fh, fw = frame.shape[:2]
    ah, aw = alpha.shape
    full = np.zeros((fh, fw), np.float32)
    xa, ya, xb, yb = max(x0, 0), max(y0, 0), min(x0 + aw, fw), min(y0 + ah, fh)
    if xb <= xa or yb <= ya:
        return full
    a = alpha[ya - y0:yb - y0, xa - x0:xb - x0]
    c = rgb[ya - y0:yb - y0, xa - x0:xb - x0].astype(np.float32)
    region = frame[ya:yb, xa:xb]
    region += a[:, :, None] * (c - region)
    full[ya:yb, xa:xb] = a
    return full


def _shape(rng, kind=None):
    kind = kind or _pick(rng, {'rectangle': 0.35, 'ellipse': 0.2, 'polygon': 0.3, 'silhouette': 0.15})
    params = {}
    if kind == 'rectangle':
        params['corner'] = rng.uniform(0.05, 0.35) if rng.random() < 0.4 else 0.0
    elif kind == 'polygon':
        k = int(rng.integers(5, 12))
        params['radii'] = rng.uniform(0.55, 1.0, size=k).tolist()
        params['phase'] = float(rng.uniform(0, 2 * np.pi))
    elif kind == 'silhouette':
        sils = load_silhouettes()
        sil = sils[int(rng.integers(len(sils)))]
        if rng.random() < 0.5:
            sil = sil[:, ::-1]
        params['silhouette'] = sil
    return kind, params


def _texture_region(rng, image: np.ndarray, aspect: float, strength: float = 1.0) -> np.ndarray:
    """An augmented region of ``image`` (a textured window of the object's aspect, 15-60 % of the photo)."""
    if max(image.shape[:2]) <= 64:                 # small images (faces): use all of it
        region = image
    else:
        region = app.cut_window(image, app.random_texture_window(image, rng, aspect, 0.15, 0.6))
    return app.augment_texture(region, rng, strength)


def _extent(sizes: np.ndarray, rotation: np.ndarray) -> np.ndarray:
    """``(F, 2)`` width/height of the boxes rotated by ``rotation`` degrees."""
    a = np.radians(rotation)
    c, s = np.abs(np.cos(a)), np.abs(np.sin(a))
    return np.stack([sizes[:, 0] * c + sizes[:, 1] * s, sizes[:, 0] * s + sizes[:, 1] * c], axis=1)


def _moving(rng, frame_w, frame_h, num_frames, w0, h0, texture, shape, size_kind=None, rot_kind=None,
            speed_class=None, jumps=0, blur_ok=True, max_frac=0.6):
    size_kind = size_kind or _pick(rng, {'steady': 0.5, 'zoom': 0.3, 'pulse': 0.2})
    rot_kind = rot_kind or _pick(rng, {'none': 0.55, 'sway': 0.3, 'spin': 0.15})
    speed_class = speed_class or _pick(rng, {'slow': 0.3, 'medium': 0.45, 'fast': 0.25})
    sizes = motion.size_schedule(rng, num_frames, w0, h0, size_kind)
    sizes = np.clip(sizes, 6, [max_frac * frame_w, max_frac * frame_h])
    rotation = motion.rotation_schedule(rng, num_frames, rot_kind)
    extent = _extent(sizes, rotation)
    speed = rng.uniform(*motion.SPEED_CLASSES[speed_class]) * math.hypot(frame_w, frame_h)
    centres = motion.trajectory(rng, extent / 2.0 + 2.0, frame_w, frame_h, speed, num_jumps=jumps)
    gain = np.exp(motion.smooth_noise(rng, num_frames, rng.uniform(0.0, 0.25)))
    blur = blur_ok and speed > 4.0 and rng.random() < 0.7
    obj = _Object(rng, texture, shape[0], shape[1], sizes, rotation, centres, gain, blur)
    return obj, {'size': size_kind, 'rotation': rot_kind, 'speed': speed_class, 'blur': blur}


def _background(rng, sources, num_frames, frame_w, frame_h, exclude):
    """Per-frame background renderer and a description."""
    videos = list(sources['videos'])
    if videos and rng.random() < 0.4:
        name = videos[int(rng.integers(len(videos)))]
        clip = load_video(name)
        idx, mats = motion.video_camera(rng, num_frames, clip.shape[:3], frame_w, frame_h)
        return (lambda t: cv2.warpAffine(clip[idx[t]], mats[t], (frame_w, frame_h), flags=cv2.INTER_LINEAR,
                                         borderMode=cv2.BORDER_REFLECT)), name
    names = [n for n in sources['photos'] if n not in exclude and n != 'skimage:lfw_subset'] or \
        [n for n in sources['photos'] if n != 'skimage:lfw_subset']
    name = names[int(rng.integers(len(names)))]
    images = load_photo(name)
    photo = app.augment_texture(images[int(rng.integers(len(images)))], rng, 0.5)
    shake = rng.uniform(0.5, 3.0) if rng.random() < 0.2 else 0.0
    mats = motion.photo_camera(rng, num_frames, photo.shape[:2], frame_w, frame_h, shake)
    return (lambda t: cv2.warpAffine(photo, mats[t], (frame_w, frame_h), flags=cv2.INTER_LINEAR,
                                     borderMode=cv2.BORDER_REFLECT)), name


def _illumination(rng, num_frames, frame_w, frame_h):
    """Per-frame gain: ``(kind, fn(t) -> scalar or (H, W, 1) gain)``."""
    kind = _pick(rng, {'none': 0.45, 'drift': 0.25, 'switch': 0.15, 'shadow': 0.15})
    if kind == 'none':
        return kind, lambda t: 1.0
    if kind == 'drift':
        g = np.exp(motion.smooth_noise(rng, num_frames, rng.uniform(0.2, 0.5)))
        return kind, lambda t: float(g[t])
    if kind == 'switch':
        t0 = int(rng.integers(max(num_frames // 4, 1), max(3 * num_frames // 4, 2)))
        level = rng.choice([rng.uniform(0.45, 0.7), rng.uniform(1.35, 1.7)])
        return kind, lambda t: float(level) if t >= t0 else 1.0
    # a soft dark band sweeping across the image
    angle = rng.uniform(0, np.pi)
    ys, xs = np.mgrid[0:frame_h, 0:frame_w].astype(np.float32)
    proj = xs * math.cos(angle) + ys * math.sin(angle)
    lo, hi = float(proj.min()), float(proj.max())
    width = rng.uniform(0.15, 0.4) * (hi - lo)
    depth = rng.uniform(0.35, 0.65)
    pos = np.linspace(lo - width, hi + width, num_frames) if rng.random() < 0.5 else \
        np.linspace(hi + width, lo - width, num_frames)

    def shadow(t):
        d = (proj - pos[t]) / width
        return (1.0 - depth * np.exp(-0.5 * d * d * 9.0))[:, :, None]
    return kind, shadow


def render_sequence(rng, num_frames: int, size, split: str = 'train', p_occlusion: float = 0.5):
    """Render one synthetic video from the photographs and videos of ``split``.

    Args:
        rng: ``np.random.Generator`` (all randomness comes from it).
        num_frames: F >= 1.
        size: (W, H) frame size in pixels.
        split: 'train' or 'test' (:data:`~ltr.dataset.synthetic.sources.SPLITS`).
        p_occlusion: probability that an occluder passes over (or stands in front of) the target.
    Returns:
        dict with 'frames' (list of F ``(H, W, 3)`` uint8 RGB), 'bbox' ``(F, 4)`` int64 ``[x, y, w, h]`` (tight box of
        the whole target shape, image pixels), 'cover' ``(F,)`` int64 in 0..8, 'absence' ``(F,)`` int64 0/1, 'meta'
        (dict of meta_info fields: sources and attributes).
    """
    frame_w, frame_h = int(size[0]), int(size[1])
    sources = split_sources(split)
    photos = list(sources['photos'])

    # Target.
    target_src = photos[int(rng.integers(len(photos)))]
    images = load_photo(target_src)
    image = images[int(rng.integers(len(images)))]
    side = math.sqrt(frame_w * frame_h) * rng.uniform(0.1, 0.3)
    aspect = math.exp(rng.uniform(-0.7, 0.7))
    w0, h0 = side * math.sqrt(aspect), side / math.sqrt(aspect)
    shape = _shape(rng)
    target_tex = _texture_region(rng, image, aspect)
    jumps = int(rng.choice(3, p=[0.85, 0.1, 0.05]))
    target, attrs = _moving(rng, frame_w, frame_h, num_frames, w0, h0, target_tex, shape, jumps=jumps)
    background, bg_name = _background(rng, sources, num_frames, frame_w, frame_h, exclude={target_src})

    # Distractors (drawn below the target).
    distractors, kinds = [], []
    for _ in range(int(rng.choice(5, p=[0.25, 0.3, 0.2, 0.15, 0.1]))):
        kind = _pick(rng, {'lookalike': 0.4, 'same_photo': 0.3, 'other': 0.3})
        s = rng.uniform(0.75, 1.3)
        if kind == 'lookalike':
            tex = app.augment_texture(target_tex, rng, 0.3)
            d_shape = shape
        elif kind == 'same_photo':
            tex = _texture_region(rng, images[int(rng.integers(len(images)))], aspect)
            d_shape = _shape(rng, shape[0] if rng.random() < 0.5 else None)
        else:
            other = photos[int(rng.integers(len(photos)))]
            o_images = load_photo(other)
            tex = _texture_region(rng, o_images[int(rng.integers(len(o_images)))], aspect)
            d_shape = _shape(rng)
        d, _ = _moving(rng, frame_w, frame_h, num_frames, w0 * s, h0 * s, tex, d_shape)
        distractors.append(d)
        kinds.append(kind)

    # Occluder (drawn above the target): crosses the target's path around frame t_c, or stands still on it.
    occluder, occ_desc = None, 'none'
    if rng.random() < p_occlusion and num_frames > 1:
        t_c = int(rng.integers(int(0.2 * num_frames), max(int(0.8 * num_frames), int(0.2 * num_frames) + 1)))
        ext = _extent(target.sizes, target.rotation)[t_c]
        full = rng.random() < 0.5
        along = int(rng.integers(2))
        occ_size = np.empty(2)
        occ_size[along] = ext[along] * (rng.uniform(1.2, 1.8) if full else rng.uniform(0.3, 0.7))
        occ_size[1 - along] = ext[1 - along] * rng.uniform(1.5, 2.5)
        occ_size = np.maximum(occ_size, 6)
        centres = np.repeat(target.centres[t_c][None], num_frames, axis=0)
        static = rng.random() < 0.3
        if not static:
            duration = max(2.0, num_frames * rng.uniform(0.15, 0.35))
            occ_speed = (occ_size[along] + ext[along]) / duration * rng.choice([-1.0, 1.0])
            centres[:, along] += occ_speed * (np.arange(num_frames) - t_c)
        other = [n for n in photos if n != target_src and n != 'skimage:lfw_subset'] or photos
        o_name = other[int(rng.integers(len(other)))]
        o_images = load_photo(o_name)
        tex = _texture_region(rng, o_images[int(rng.integers(len(o_images)))], occ_size[0] / occ_size[1])
        o_shape = _shape(rng, 'rectangle' if rng.random() < 0.6 else None)
        occluder = _Object(rng, tex, o_shape[0], o_shape[1], np.repeat(occ_size[None], num_frames, axis=0),
                           np.zeros(num_frames), centres, np.ones(num_frames), False)
        occ_desc = '{} ({}, {})'.format(o_name, 'full' if full else 'partial', 'static' if static else 'moving')

    light_kind, light = _illumination(rng, num_frames, frame_w, frame_h)
    noise = rng.uniform(1.0, 5.0) if rng.random() < 0.4 else 0.0
    noise_seeds = rng.integers(0, 2 ** 31, size=num_frames)

    frames, boxes, visible = [], np.zeros((num_frames, 4), np.int64), np.ones(num_frames)
    for t in range(num_frames):
        frame = background(t).astype(np.float32)
        for d in distractors:
            _composite(frame, *d.patch(t, num_frames))
        rgb, alpha, x0, y0 = target.patch(t, num_frames)
        t_alpha = _composite(frame, rgb, alpha, x0, y0)
        box = app.tight_box(t_alpha)
        if box is None:   # cannot happen for objects inside the frame; keep the previous box as a guard
            box = boxes[t - 1].tolist() if t > 0 else [0, 0, 1, 1]
        boxes[t] = box
        if occluder is not None:
            o_alpha = _composite(frame, *occluder.patch(t, num_frames))
            total = float(t_alpha.sum())
            visible[t] = float((t_alpha * (1.0 - o_alpha)).sum()) / max(total, 1e-6)
        frame *= light(t)
        if noise > 0:
            frame += np.random.default_rng(int(noise_seeds[t])).standard_normal(frame.shape, np.float32) * noise
        frames.append(np.clip(frame, 0, 255).astype(np.uint8))

    cover = cover_from_fraction(visible)
    absence = (cover == 0).astype(np.int64)
    meta = {'object_class': target_src, 'motion_class': attrs['speed'], 'major_class': 'synthetic',
            'root_class': 'synthetic', 'motion_adverb': 'quickly' if attrs['speed'] == 'fast' else 'slowly',
            'split': split, 'background': bg_name, 'shape': shape[0], 'scale_change': attrs['size'],
            'rotation': attrs['rotation'], 'motion_blur': str(attrs['blur']).lower(), 'jumps': jumps,
            'num_distractors': len(distractors), 'distractors': ' '.join(kinds) or 'none', 'occluder': occ_desc,
            'illumination': light_kind, 'noise_sigma': round(noise, 2)}
    return {'frames': frames, 'bbox': boxes, 'cover': cover, 'absence': absence, 'meta': meta}
