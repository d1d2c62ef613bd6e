"""Two settings of the ``demo`` tracker against each other on real tracking work: whole sequences of a synthetic
validation set, the two sides alternating in one process (sequence by sequence, the order swapped every other time),
so that the machine's drift and load hit both alike.

Usage::

    python benchmarks/bench_tracker_options.py --a channels_last_backbone=False --b channels_last_backbone=True
    python benchmarks/bench_tracker_options.py --a threads=2 --b threads=1 --sequences 12

``--a``/``--b`` (repeatable) take ``name=value`` overrides of the parameter file ``demo`` (values are Python
literals); the pseudo-parameter ``threads`` sets ``torch.set_num_threads`` for that side (default ``--threads``).
Each side tracks every sequence ``--rounds`` times from its first ground-truth box. Prints per side the mean
``track()`` milliseconds per frame, the frames per second, the mean initialisation, then the ratio A / B, the paired
per-sequence difference with its standard error, and the largest difference between the two sides' boxes (0 when
the settings compute the same boxes bit for bit). The sequences are generated into ``--data_dir`` on first use.
"""
import argparse
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))

from ltr.data.image_loader import imread_rgb  # noqa: E402
from pytracking import make_tracker  # noqa: E402
from pytracking.analysis.compare_baselines import load_sequences, parse_param_overrides  # noqa: E402


def run_side(side: dict, frames, init_box, default_threads: int):
    """Track ``frames`` with ``demo`` + ``side``; returns ``(ms per track() frame, init seconds, boxes (N-1, 4))``."""
    overrides = dict(side)
    torch.set_num_threads(int(overrides.pop('threads', default_threads)))
    tracker = make_tracker('fcot', 'demo', **overrides)
    tic = time.perf_counter()
    tracker.initialize(frames[0], {'init_bbox': init_box})
    init_s = time.perf_counter() - tic
    tic = time.perf_counter()
    boxes = [tracker.track(im)['target_bbox'] for im in frames[1:]]
    ms = 1000 * (time.perf_counter() - tic) / (len(frames) - 1)
    return ms, init_s, np.asarray(boxes, dtype=np.float64)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--a', action='append', default=[], help='side A: a demo override name=value (repeatable)')
    parser.add_argument('--b', action='append', default=[], help='side B: a demo override name=value (repeatable)')
    parser.add_argument('--dataset', default='synthetic_val', help='a synthetic set of compare_baselines')
    parser.add_argument('--sequences', type=int, default=24, help='first N sequences of the set')
    parser.add_argument('--rounds', type=int, default=2)
    parser.add_argument('--threads', type=int, default=2, help='torch threads of a side without threads=')
    parser.add_argument('--data_dir', default=os.path.join('workspace', 'bench_tracker_options_data'))
    args = parser.parse_args(argv)
    sides = [parse_param_overrides(args.a), parse_param_overrides(args.b)]
    seqs = load_sequences(args.dataset, os.path.join(args.data_dir, args.dataset), args.sequences)
    print('A = demo + {}; B = demo + {}; {} sequences of {}, {} rounds'.format(
        sides[0] or '{}', sides[1] or '{}', len(seqs), args.dataset, args.rounds), flush=True)
    ms = [[], []]
    init = [[], []]
    box_diff = 0.0
    for r in range(args.rounds):
        for i, seq in enumerate(seqs):
            frames = [imread_rgb(f) for f in seq.frames]
            init_box = [float(v) for v in np.asarray(seq.ground_truth_rect[0], dtype=np.float64)]
            order = (0, 1) if (i + r) % 2 == 0 else (1, 0)
            boxes = {}
            for k in order:
                t, s, boxes[k] = run_side(sides[k], frames, init_box, args.threads)
                ms[k].append(t)
                init[k].append(s)
            box_diff = max(box_diff, float(np.abs(boxes[0] - boxes[1]).max()))
        print('round {}: A {:.2f} ms, B {:.2f} ms per frame so far'.format(
            r + 1, np.mean(ms[0]), np.mean(ms[1])), flush=True)
    a, b = np.asarray(ms[0]), np.asarray(ms[1])
    d = a - b
    print()
    print('| side | overrides | track() ms/frame | FPS | init s |')
    print('|---|---|---|---|---|')
    for name, side, t, s in (('A', sides[0], a, init[0]), ('B', sides[1], b, init[1])):
        print('| {} | {} | {:.2f} | {:.1f} | {:.2f} |'.format(name, side or '(demo)', t.mean(), 1000 / t.mean(),
                                                          np.mean(s)))
    print()
    print('A / B time ratio {:.3f}; paired difference A - B {:.2f} +- {:.2f} ms per frame (n = {}); largest box '
          'difference {:.3g} px'.format(a.mean() / b.mean(), d.mean(), d.std(ddof=1) / np.sqrt(len(d)), len(d),
                                        box_diff))


if __name__ == '__main__':
    main()
