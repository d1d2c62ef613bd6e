"""Synthetic tracking videos in the GOT-10k layout, built from scikit-image's sample photographs.

Each sequence shows a textured target patch (cut from one photo) moving over a background (another photo,
with a slow camera pan). The target moves smoothly with random acceleration and bounces off the borders, and it
changes scale and aspect ratio (deformation) along low-frequency sinusoids. Distractors are patches cut from the
same photo as the target (similar colours and texture, sometimes mirrored) with their own motion, drawn below
the target. In some sequences an occluder (a patch of a third photo) passes over the target: the cover label
then drops below 8, and frames where the target is fully hidden get cover 0 and absence 1.

Layout written (the layout of ``GOT-10k/train``, readable by :class:`ltr.dataset.Got10k`)::

    OUT_DIR/list.txt                    sequence names, one per line
    OUT_DIR/synthetic_info.json         generator parameters (used to validate an existing folder)
    OUT_DIR/<seq>/00000001.jpg ...      frames, 1-based, RGB JPEG
    OUT_DIR/<seq>/groundtruth.txt       'x,y,w,h' per frame, image pixels, 0-based top-left, full extent of
                                        the target (also where it is occluded)
    OUT_DIR/<seq>/absence.label         0/1 per frame (1: target fully hidden)
    OUT_DIR/<seq>/cover.label           0..8 per frame: 8 fully visible, 0 fully hidden,
                                        else clip(floor(8 * visible_fraction), 1, 7)
    OUT_DIR/<seq>/meta_info.ini         GOT-10k style 'key: value' lines

Training reads it with ``Got10k(OUT_DIR)`` or ``SyntheticGot10k()`` (local.py field ``synthetic_dir``); tracking
evaluation with pytracking's ``SyntheticDataset`` (field ``synthetic_path``), or with ``GOT10KDataset('val')`` when
the folder is placed at ``<got10k_path>/val``.

Sequence ``i`` is a pure function of ``(seed, i, num_frames, size, p_occlusion)``: the same seed gives identical
files, and adding sequences does not change the earlier ones.

Command line::

    python -m ltr.dataset.synthetic OUT_DIR --num_sequences N --num_frames F --size W H --seed S

It generates into a missing or empty OUT_DIR, and otherwise validates the existing dataset.
"""
import argparse
import json
import math
import os
import shutil
import sys

import cv2
import numpy as np

__all__ = ['PHOTO_NAMES', 'DEFAULTS', 'load_photos', 'render_sequence', 'generate_synthetic_dataset',
           'validate_synthetic_dataset', 'ensure_synthetic_dataset', 'cover_from_fraction', 'main']

#: scikit-image sample photographs used as backgrounds and textures (all ship with scikit-image).
PHOTO_NAMES = ('astronaut', 'chelsea', 'coffee', 'rocket', 'hubble_deep_field', 'immunohistochemistry',
               'stereo_motorcycle', 'colorwheel', 'retina', 'camera', 'brick', 'grass', 'gravel', 'moon',
               'coins', 'clock', 'page', 'cell')

DEFAULTS = {'num_sequences': 20, 'num_frames': 60, 'size': (320, 240), 'seed': 0, 'p_occlusion': 0.5,
            'jpeg_quality': 95}

GENERATOR_VERSION = 1
INFO_FILE = 'synthetic_info.json'
_MAX_PHOTO_SIDE = 800

_photo_cache = {}


# ------------------------------------------------------------------------------------------------- photos
def load_photos(names=PHOTO_NAMES):
    """The sample photographs as {name: (H, W, 3) uint8 RGB}, longest side at most 800 px. Cached."""
    missing = [n for n in names if n not in _photo_cache]
    if missing:
        import skimage.data
        for name in missing:
            im = getattr(skimage.data, name)()
            if isinstance(im, tuple):  # stereo_motorcycle -> (left, right, disparity)
                im = im[0]
            im = np.asarray(im)
            if im.dtype == bool:
                im = im.astype(np.uint8) * 255
            if im.dtype != np.uint8:
                im = np.clip(im, 0, 255).astype(np.uint8)
            if im.ndim == 2:
                im = np.repeat(im[:, :, None], 3, axis=2)
            im = np.ascontiguousarray(im[:, :, :3])
            scale = _MAX_PHOTO_SIDE / max(im.shape[:2])
            if scale < 1:
                im = cv2.resize(im, (round(im.shape[1] * scale), round(im.shape[0] * scale)),
                                interpolation=cv2.INTER_AREA)
            _photo_cache[name] = im
    return {n: _photo_cache[n] for n in names}


def _resize(im, w, h):
    interp = cv2.INTER_AREA if (w < im.shape[1] and h < im.shape[0]) else cv2.INTER_LINEAR
    return cv2.resize(im, (int(w), int(h)), interpolation=interp)


def _window(photo, rng, aspect, min_frac, max_frac):
    """Random window (x, y, w, h) of the given aspect (w/h) inside a photo, as floats."""
    ph, pw = photo.shape[:2]
    max_w = min(pw, ph * aspect)
    w = max_w * rng.uniform(min_frac, max_frac)
    h = w / aspect
    return np.array([rng.uniform(0, pw - w), rng.uniform(0, ph - h), w, h])


def _textured_window(photo, rng, aspect, min_frac, max_frac, tries=5):
    """The most textured (highest luminance standard deviation) of ``tries`` random windows."""
    best, best_std = None, -1.0
    for _ in range(tries):
        win = _window(photo, rng, aspect, min_frac, max_frac)
        std = float(_cut(photo, win).std())
        if std > best_std:
            best, best_std = win, std
    return best


def _cut(photo, win):
    """Integer crop of a float window, clipped to the photo (at least 2x2 pixels)."""
    ph, pw = photo.shape[:2]
    x0 = int(np.clip(round(win[0]), 0, pw - 2))
    y0 = int(np.clip(round(win[1]), 0, ph - 2))
    x1 = int(np.clip(round(win[0] + win[2]), x0 + 2, pw))
    y1 = int(np.clip(round(win[1] + win[3]), y0 + 2, ph))
    return photo[y0:y1, x0:x1]


# --------------------------------------------------------------------------------------------- motion model
def _sizes(rng, num_frames, w0, h0, frame_w, frame_h):
    """Per-frame integer (w, h), (F, 2): smooth log-scale and log-aspect oscillations (deformation)."""
    t = np.arange(num_frames) / max(num_frames, 1)
    log_scale = rng.uniform(0.1, 0.4) * np.sin(2 * np.pi * rng.uniform(0.3, 1.5) * t + rng.uniform(0, 2 * np.pi))
    log_aspect = rng.uniform(0.05, 0.35) * np.sin(2 * np.pi * rng.uniform(0.3, 2.0) * t + rng.uniform(0, 2 * np.pi))
    w = np.clip(w0 * np.exp(log_scale + 0.5 * log_aspect), 6, 0.7 * frame_w)
    h = np.clip(h0 * np.exp(log_scale - 0.5 * log_aspect), 6, 0.7 * frame_h)
    return np.stack([np.round(w), np.round(h)], axis=1).astype(np.int64)


def _trajectory(rng, sizes, frame_w, frame_h, speed):
    """Top-left corners (F, 2) int of boxes of the given sizes: random-acceleration motion of the centre,
    reflected at the borders so that every box stays inside the frame."""
    num_frames = len(sizes)
    lo = sizes / 2.0
    hi = np.array([frame_w, frame_h], dtype=np.float64) - sizes / 2.0
    c = rng.uniform(lo[0], hi[0])
    angle = rng.uniform(0, 2 * np.pi)
    v = speed * np.array([np.cos(angle), np.sin(angle)])
    noise = rng.normal(0.0, 0.2 * speed, size=(num_frames, 2))
    centres = np.empty((num_frames, 2))
    for t in range(num_frames):  # per frame, not per pixel
        if t > 0:
            v = v + noise[t]
            norm = np.linalg.norm(v)
            v = v * np.clip(norm, 0.3 * speed, 1.5 * speed) / max(norm, 1e-9)
            c = c + v
        for d in range(2):
            if c[d] < lo[t, d]:
                c[d] = 2 * lo[t, d] - c[d]
                v[d] = abs(v[d])
            elif c[d] > hi[t, d]:
                c[d] = 2 * hi[t, d] - c[d]
                v[d] = -abs(v[d])
            c[d] = np.clip(c[d], lo[t, d], hi[t, d])
        centres[t] = c
    return np.round(centres - sizes / 2.0).astype(np.int64)


def cover_from_fraction(visible_fraction):
    """GOT-10k-style cover label (int array) from visible fractions in [0, 1]:
    8 when fully visible, 0 when fully hidden, otherwise clip(floor(8 * f), 1, 7)."""
    f = np.asarray(visible_fraction, dtype=np.float64)
    cover = np.clip(np.floor(8 * f), 1, 7).astype(np.int64)
    cover[f >= 1.0] = 8
    cover[f <= 0.0] = 0
    return cover


def _paste(frame, patch, x, y):
    """Paste ``patch`` with its top-left at (x, y), clipped to the frame (in place)."""
    fh, fw = frame.shape[:2]
    ph, pw = patch.shape[:2]
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + pw, fw), min(y + ph, fh)
    if x1 > x0 and y1 > y0:
        frame[y0:y1, x0:x1] = patch[y0 - y:y1 - y, x0 - x:x1 - x]


def _intersection_area(a, b):
    """Areas of intersection of integer boxes (F, 4) xywh."""
    w = np.clip(np.minimum(a[:, 0] + a[:, 2], b[:, 0] + b[:, 2]) - np.maximum(a[:, 0], b[:, 0]), 0, None)
    h = np.clip(np.minimum(a[:, 1] + a[:, 3], b[:, 1] + b[:, 3]) - np.maximum(a[:, 1], b[:, 1]), 0, None)
    return w * h


# ------------------------------------------------------------------------------------------------- one video
def render_sequence(rng, num_frames, size, p_occlusion=DEFAULTS['p_occlusion'], photos=None):
    """Render one synthetic video.

    Args:
        rng: ``np.random.Generator`` (all randomness comes from it).
        num_frames: F >= 1.
        size: (W, H) frame size in pixels.
        p_occlusion: probability that an occluder crosses the target.
    Returns:
        dict with 'frames' (list of F (H, W, 3) uint8 RGB), 'bbox' (F, 4) int64 [x, y, w, h] (full target extent,
        image pixels), 'cover' (F,) int64 in 0..8, 'absence' (F,) int64 0/1, 'meta' (dict of meta_info fields).
    """
    frame_w, frame_h = int(size[0]), int(size[1])
    photos = load_photos() if photos is None else photos
    names = list(photos)
    order = rng.permutation(len(names))
    bg_name, target_name, occ_name = (names[i] for i in order[:3])

    # Background canvas 20% larger than the frame, panned linearly.
    canvas_w, canvas_h = int(math.ceil(frame_w * 1.2)), int(math.ceil(frame_h * 1.2))
    bg_win = _window(photos[bg_name], rng, canvas_w / canvas_h, 0.5, 1.0)
    canvas = _resize(_cut(photos[bg_name], bg_win), canvas_w, canvas_h)
    pan_start = rng.uniform(0, 1, 2) * [canvas_w - frame_w, canvas_h - frame_h]
    pan_end = rng.uniform(0, 1, 2) * [canvas_w - frame_w, canvas_h - frame_h]
    frac = np.linspace(0, 1, num_frames)[:, None]
    pan = np.round(pan_start + frac * (pan_end - pan_start)).astype(np.int64)

    # Target: size, deformation, motion, and a slowly drifting texture window.
    side = math.sqrt(frame_w * frame_h) * rng.uniform(0.12, 0.28)
    aspect = math.exp(rng.uniform(-0.6, 0.6))
    sizes = _sizes(rng, num_frames, side * math.sqrt(aspect), side / math.sqrt(aspect), frame_w, frame_h)
    speed = rng.uniform(0.005, 0.03) * math.hypot(frame_w, frame_h)
    corners = _trajectory(rng, sizes, frame_w, frame_h, speed)
    bbox = np.concatenate([corners, sizes], axis=1)
    tphoto = photos[target_name]
    t_win = _textured_window(tphoto, rng, aspect, 0.2, 0.45)
    t_drift = rng.uniform(-0.15, 0.15, 2) * t_win[2:]

    # Distractors: other windows of the target's photo, sometimes mirrored, with their own motion.
    distractors = []
    for _ in range(int(rng.choice(3, p=[0.3, 0.4, 0.3]))):
        d_sizes = _sizes(rng, num_frames, side * math.sqrt(aspect) * rng.uniform(0.8, 1.2),
                         side / math.sqrt(aspect) * rng.uniform(0.8, 1.2), frame_w, frame_h)
        d_corners = _trajectory(rng, d_sizes, frame_w, frame_h, speed * rng.uniform(0.5, 1.5))
        d_win = _textured_window(tphoto, rng, aspect, 0.2, 0.45)
        distractors.append((d_corners, d_sizes, _cut(tphoto, d_win), bool(rng.random() < 0.5)))

    # Occluder crossing the target around frame t_c, horizontally or vertically.
    occluder = None
    if rng.random() < p_occlusion:
        t_c = int(rng.integers(int(0.25 * num_frames), max(int(0.75 * num_frames), int(0.25 * num_frames) + 1)))
        along = int(rng.integers(2))  # 0: moves along x, 1: along y
        full = rng.random() < 0.6
        occ_size = np.empty(2)
        occ_size[along] = sizes[:, along].max() * (rng.uniform(1.3, 1.8) if full else rng.uniform(0.3, 0.7))
        occ_size[1 - along] = sizes[:, 1 - along].max() * rng.uniform(1.8, 2.5)
        occ_size = np.maximum(np.round(occ_size), 4).astype(np.int64)
        duration = max(2.0, num_frames * rng.uniform(0.15, 0.35))
        occ_speed = (occ_size[along] + sizes[t_c, along]) / duration * rng.choice([-1.0, 1.0])
        centre_c = corners[t_c] + sizes[t_c] / 2.0
        centres = np.repeat(centre_c[None], num_frames, axis=0)
        centres[:, along] += occ_speed * (np.arange(num_frames) - t_c)
        occ_corners = np.round(centres - occ_size / 2.0).astype(np.int64)
        occ_patch = _resize(_cut(photos[occ_name], _window(photos[occ_name], rng, occ_size[0] / occ_size[1], 0.3, 0.8)),
                            occ_size[0], occ_size[1])
        occluder = (occ_corners, occ_size, occ_patch)

    # Visibility.
    if occluder is not None:
        occ_boxes = np.concatenate([occluder[0], np.repeat(occluder[1][None], num_frames, axis=0)], axis=1)
        hidden = _intersection_area(bbox, occ_boxes)
        visible_fraction = 1.0 - hidden / (bbox[:, 2] * bbox[:, 3])
    else:
        visible_fraction = np.ones(num_frames)
    cover = cover_from_fraction(visible_fraction)
    absence = (cover == 0).astype(np.int64)

    # Render.
    frames = []
    for t in range(num_frames):
        frame = canvas[pan[t, 1]:pan[t, 1] + frame_h, pan[t, 0]:pan[t, 0] + frame_w].copy()
        for d_corners, d_sizes, d_tex, mirrored in distractors:
            patch = _resize(d_tex, d_sizes[t, 0], d_sizes[t, 1])
            _paste(frame, patch[:, ::-1] if mirrored else patch, d_corners[t, 0], d_corners[t, 1])
        win = t_win.copy()
        win[:2] += t_drift * (t / max(num_frames - 1, 1))
        _paste(frame, _resize(_cut(tphoto, win), sizes[t, 0], sizes[t, 1]), corners[t, 0], corners[t, 1])
        if occluder is not None:
            _paste(frame, occluder[2], occluder[0][t, 0], occluder[0][t, 1])
        frames.append(frame)

    mean_speed = speed / math.hypot(frame_w, frame_h)
    meta = {'object_class': target_name, 'motion_class': 'synthetic', 'major_class': 'synthetic',
            'root_class': 'synthetic', 'motion_adverb': 'quickly' if mean_speed > 0.02 else 'slowly',
            'background': bg_name, 'num_distractors': len(distractors), 'occluder': occ_name if occluder else 'none'}
    return {'frames': frames, 'bbox': bbox, 'cover': cover, 'absence': absence, 'meta': meta}


# ------------------------------------------------------------------------------------------------- writing
def sequence_name(index):
    """Folder name of sequence ``index`` (0-based): 'synthetic_000001' for index 0."""
    return 'synthetic_{:06d}'.format(index + 1)


def _write_sequence(seq_dir, video, size, jpeg_quality):
    os.makedirs(seq_dir)
    for t, frame in enumerate(video['frames']):
        path = os.path.join(seq_dir, '{:08d}.jpg'.format(t + 1))
        if not cv2.imwrite(path, np.ascontiguousarray(frame[:, :, ::-1]), [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality]):
            raise OSError("Could not write frame '{}'".format(path))
    with open(os.path.join(seq_dir, 'groundtruth.txt'), 'w') as f:
        f.write(''.join('{:.4f},{:.4f},{:.4f},{:.4f}\n'.format(*b) for b in video['bbox'].tolist()))
    with open(os.path.join(seq_dir, 'absence.label'), 'w') as f:
        f.write(''.join('{}\n'.format(v) for v in video['absence'].tolist()))
    with open(os.path.join(seq_dir, 'cover.label'), 'w') as f:
        f.write(''.join('{}\n'.format(v) for v in video['cover'].tolist()))
    meta = video['meta']
    lines = ['[METAINFO]', 'url: synthetic (scikit-image sample photographs)', 'begin: 00:00:00', 'end: 00:00:00',
             'anno_fps: 10Hz', 'object_class: {}'.format(meta['object_class']),
             'motion_class: {}'.format(meta['motion_class']), 'major_class: {}'.format(meta['major_class']),
             'root_class: {}'.format(meta['root_class']), 'motion_adverb: {}'.format(meta['motion_adverb']),
             'resolution: ({}, {})'.format(size[0], size[1]), 'background: {}'.format(meta['background']),
             'num_distractors: {}'.format(meta['num_distractors']), 'occluder: {}'.format(meta['occluder'])]
    with open(os.path.join(seq_dir, 'meta_info.ini'), 'w') as f:
        f.write('\n'.join(lines) + '\n')


def _check_params(num_sequences, num_frames, size, p_occlusion, jpeg_quality):
    if int(num_sequences) < 1:
        raise ValueError('num_sequences must be >= 1, got {}'.format(num_sequences))
    if int(num_frames) < 1:
        raise ValueError('num_frames must be >= 1, got {}'.format(num_frames))
    if len(size) != 2 or min(int(size[0]), int(size[1])) < 32:
        raise ValueError('size must be (W, H) with W, H >= 32, got {}'.format(size))
    if not 0 <= p_occlusion <= 1:
        raise ValueError('p_occlusion must be in [0, 1], got {}'.format(p_occlusion))
    if not 1 <= int(jpeg_quality) <= 100:
        raise ValueError('jpeg_quality must be in 1..100, got {}'.format(jpeg_quality))


def generate_synthetic_dataset(folder, num_sequences=DEFAULTS['num_sequences'], num_frames=DEFAULTS['num_frames'],
                               size=DEFAULTS['size'], seed=DEFAULTS['seed'], p_occlusion=DEFAULTS['p_occlusion'],
                               jpeg_quality=DEFAULTS['jpeg_quality'], verbose=False):
    """Generate a dataset into ``folder``, which must be missing or empty. Returns the folder path.

    Writes into ``<folder>.tmp-<pid>`` first and renames it at the end, so an interrupted run leaves no
    half-written dataset behind.
    """
    _check_params(num_sequences, num_frames, size, p_occlusion, jpeg_quality)
    folder = os.path.abspath(os.fspath(folder))
    if os.path.exists(folder) and (not os.path.isdir(folder) or os.listdir(folder)):
        raise FileExistsError("Synthetic dataset folder '{}' exists and is not empty".format(folder))
    size = (int(size[0]), int(size[1]))
    tmp = '{}.tmp-{}'.format(folder, os.getpid())
    if os.path.exists(tmp):
        shutil.rmtree(tmp)
    os.makedirs(tmp)
    try:
        photos = load_photos()
        names = []
        for i in range(int(num_sequences)):
            rng = np.random.default_rng([int(seed), i])
            video = render_sequence(rng, int(num_frames), size, p_occlusion, photos)
            names.append(sequence_name(i))
            _write_sequence(os.path.join(tmp, names[-1]), video, size, int(jpeg_quality))
            if verbose:
                print('  {} / {}: {}'.format(i + 1, num_sequences, names[-1]), flush=True)
        with open(os.path.join(tmp, 'list.txt'), 'w') as f:
            f.write(''.join(n + '\n' for n in names))
        info = {'generator': 'ltr.dataset.synthetic', 'version': GENERATOR_VERSION,
                'num_sequences': int(num_sequences), 'num_frames': int(num_frames), 'size': list(size),
                'seed': int(seed), 'p_occlusion': float(p_occlusion), 'jpeg_quality': int(jpeg_quality)}
        with open(os.path.join(tmp, INFO_FILE), 'w') as f:
            json.dump(info, f, indent=2)
        if os.path.isdir(folder):
            os.rmdir(folder)  # empty (checked above)
        os.rename(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def validate_synthetic_dataset(folder):
    """Check that ``folder`` holds a complete GOT-10k-layout dataset. Returns its info dict (from
    synthetic_info.json, or {} if absent). Raises FileNotFoundError / AnnotationFormatError naming the file."""
    from ltr.dataset.anno_io import AnnotationFormatError, read_box_file, read_int_labels, read_lines
    folder = os.fspath(folder)
    names = read_lines(os.path.join(folder, 'list.txt'), 'Synthetic dataset list.txt')
    if not names:
        raise AnnotationFormatError("'{}' is empty".format(os.path.join(folder, 'list.txt')))
    for name in names:
        seq_dir = os.path.join(folder, name)
        n = read_box_file(os.path.join(seq_dir, 'groundtruth.txt')).shape[0]
        read_int_labels(os.path.join(seq_dir, 'absence.label'), expected_len=n, allowed=(0, 1))
        read_int_labels(os.path.join(seq_dir, 'cover.label'), expected_len=n, allowed=(0, 8))
        if not os.path.isfile(os.path.join(seq_dir, 'meta_info.ini')):
            raise FileNotFoundError("Missing '{}'".format(os.path.join(seq_dir, 'meta_info.ini')))
        missing = [t for t in range(1, n + 1) if not os.path.isfile(os.path.join(seq_dir, '{:08d}.jpg'.format(t)))]
        if missing:
            raise FileNotFoundError("Sequence '{}' has {} boxes but frame '{}' is missing".format(
                seq_dir, n, os.path.join(seq_dir, '{:08d}.jpg'.format(missing[0]))))
    info_path = os.path.join(folder, INFO_FILE)
    if os.path.isfile(info_path):
        with open(info_path) as f:
            return json.load(f)
    return {}


def ensure_synthetic_dataset(folder, num_sequences=None, num_frames=None, size=None, seed=None, p_occlusion=None,
                             jpeg_quality=None, verbose=False):
    """Generate the dataset into ``folder`` if it is missing or empty, otherwise validate it. Returns the path.

    Parameters left at None take :data:`DEFAULTS` when generating and are not checked when validating; parameters
    given must match the ``synthetic_info.json`` of an existing dataset (ValueError naming the folder otherwise).
    """
    requested = {'num_sequences': num_sequences, 'num_frames': num_frames,
                 'size': None if size is None else [int(size[0]), int(size[1])], 'seed': seed,
                 'p_occlusion': p_occlusion, 'jpeg_quality': jpeg_quality}
    folder = os.path.abspath(os.fspath(folder))
    if not os.path.exists(folder) or (os.path.isdir(folder) and not os.listdir(folder)):
        params = {k: (DEFAULTS[k] if v is None else v) for k, v in requested.items()}
        return generate_synthetic_dataset(folder, verbose=verbose, **params)
    if not os.path.isfile(os.path.join(folder, 'list.txt')):
        raise FileExistsError("'{}' is not empty and holds no list.txt: not a synthetic dataset. Give an empty or "
                              "missing folder to generate one.".format(folder))
    info = validate_synthetic_dataset(folder)
    mismatch = {k: (info.get(k), v) for k, v in requested.items() if v is not None and info.get(k) != v}
    if mismatch:
        raise ValueError("Synthetic dataset '{}' was generated with other parameters ({}); delete it or choose "
                         "another folder".format(folder, ', '.join('{}: existing {} vs requested {}'.format(k, a, b)
                                                                   for k, (a, b) in mismatch.items())))
    return folder


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m ltr.dataset.synthetic',
                                     description='Generate synthetic tracking videos in the GOT-10k layout '
                                                 '(or validate an existing folder).')
    parser.add_argument('out_dir', help='output folder (generated if missing or empty, validated otherwise)')
    parser.add_argument('--num_sequences', type=int, default=DEFAULTS['num_sequences'])
    parser.add_argument('--num_frames', type=int, default=DEFAULTS['num_frames'])
    parser.add_argument('--size', type=int, nargs=2, metavar=('W', 'H'), default=list(DEFAULTS['size']))
    parser.add_argument('--seed', type=int, default=DEFAULTS['seed'])
    parser.add_argument('--p_occlusion', type=float, default=DEFAULTS['p_occlusion'])
    parser.add_argument('--jpeg_quality', type=int, default=DEFAULTS['jpeg_quality'])
    args = parser.parse_args(argv)
    existed = os.path.isdir(args.out_dir) and bool(os.listdir(args.out_dir))
    try:
        folder = ensure_synthetic_dataset(args.out_dir, args.num_sequences, args.num_frames, args.size, args.seed,
                                          args.p_occlusion, args.jpeg_quality, verbose=not existed)
    except (OSError, ValueError) as e:
        print('error: {}'.format(e), file=sys.stderr)
        return 2
    print('{} synthetic dataset: {} ({} sequences x {} frames, {}x{}, seed {})'.format(
        'Validated' if existed else 'Wrote', folder, args.num_sequences, args.num_frames, args.size[0], args.size[1],
        args.seed))
    return 0


if __name__ == '__main__':
    sys.exit(main())
