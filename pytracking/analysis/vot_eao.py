"""VOT2018 accuracy, robustness and EAO from reset-protocol results (:mod:`pytracking.evaluation.vot_protocol`).

Input per (sequence, run): the per-frame entries of ``<results_dir>/baseline/<seq>/<seq>_NNN.txt``
(``1`` init, ``2`` failure, ``0`` skipped, or a box). All ``_NNN`` files of every run id are runs; the runs of
one (tracker, param) are averaged as below.

Per-frame overlap: exact overlap of the box with the ground-truth polygon, both cut to the image
(:func:`pytracking.utils.vot_region.region_overlap`); NaN for code frames.

- **Accuracy** (A): overlaps with a burn-in: the init frame and the 9 frames after it (10 frames,
  ``burnin=10``) are ignored. Per sequence, each frame's overlap is averaged over the runs that have one
  (NaN-mean over runs); A is the NaN-mean over all frames of all sequences (frame-weighted, as pysot-toolkit).
- **Robustness** (R): failures per 100 frames, ``100 * sum_seq(mean_runs(#failures)) / sum_seq(#frames)``
  (the "R" of the VOT2018 report, e.g. 0.276 = 59 failures in the 21356 frames). ``lost`` is
  ``sum_seq(mean_runs(#failures))``.
- **EAO**: each run is cut into fragments: from frame 0 to the first failure frame (inclusive), from each
  failure frame to the next failure frame, and from the last failure frame (or frame 0) to the end. Code
  frames count as overlap 0. A fragment that ends in a failure is padded with zeros to the longest sequence
  length ``L`` (after a failure the tracker is taken to have overlap 0); the last fragment is not padded.
  Every fragment weighs ``1 / (number of runs of its sequence)``. For ``i = 1 .. L-1`` the expected overlap
  is ``Phi[i] = sum_f w_f * mean(frag_f[1..i]) / sum_f w_f`` over the fragments that reach index ``i``
  (padded ones always do); index 0 (the init / failure frame) is never averaged. The sequence length is
  ``Ns = i + 1``; EAO = mean of ``Phi`` over ``Ns`` in the interval [100, 356] (VOT2018), i.e. ``i`` in
  [99, 355] (restricted to ``i < L``; NaN if empty). Fragments start at the failure frame, not at the
  re-init frame, so a re-init costs the 4 skipped frames and the init frame as zeros; this follows the
  fragment scheme of the pysot-toolkit EAO code that FCOT's ``run_evaluation.py`` uses, as far as we know it
  (not checked against that code); every fragment, including the last one, weighs ``1 / runs`` here. The VOT
  toolkit itself may differ in such details, so small EAO differences to published numbers are expected.
"""
import glob
import os
from collections import OrderedDict

import numpy as np

from pytracking.evaluation.vot_protocol import load_vot_results, sequence_polygons
from pytracking.utils.vot_region import region_overlap

__all__ = ['VOT2018_EAO_INTERVAL', 'BURNIN', 'trajectory_overlaps', 'apply_burnin', 'failure_frames',
           'expected_overlap_curve', 'compute_eao', 'compute_accuracy_robustness', 'evaluate_vot',
           'print_vot_results', 'find_vot_runs']

VOT2018_EAO_INTERVAL = (100, 356)
BURNIN = 10


def trajectory_overlaps(entries, polygons, bounds=None):
    """(N,) per-frame overlaps of a result (list of codes/boxes) with the polygons; NaN for code frames."""
    out = np.full(len(entries), np.nan)
    for k, e in enumerate(entries):
        if isinstance(e, (int, np.integer)):
            continue
        out[k] = region_overlap(polygons[k], e, bounds=bounds) if len(e) == 4 else np.nan
    return out


def failure_frames(entries):
    return [k for k, e in enumerate(entries) if isinstance(e, (int, np.integer)) and e == 2]


def apply_burnin(entries, overlaps, burnin=BURNIN):
    """A copy of ``overlaps`` with the ``burnin`` frames starting at each init frame (code 1) set to NaN."""
    out = np.array(overlaps, dtype=np.float64)
    for k, e in enumerate(entries):
        if isinstance(e, (int, np.integer)) and e == 1:
            out[k:k + burnin] = np.nan
    return out


def _fragments(overlaps, failures, weight):
    """(values, padded, weight) fragments of one run (module docstring)."""
    vals = np.nan_to_num(np.asarray(overlaps, dtype=np.float64), nan=0.0)
    points = [0] + list(failures)
    frags = []
    for j, start in enumerate(points):
        if j + 1 < len(points):
            frags.append((vals[start:points[j + 1] + 1], True, weight))
        else:
            frags.append((vals[start:], False, weight))
    return frags


def expected_overlap_curve(fragments, max_len):
    """Phi[0..max_len-1] (Phi[0] = 1) from (values, padded, weight) fragments."""
    phi = np.full(max_len, np.nan)
    if max_len == 0:
        return phi
    phi[0] = 1.0
    idx = np.arange(max_len)
    num = np.zeros(max_len)
    den = np.zeros(max_len)
    for vals, padded, w in fragments:
        m = len(vals)
        csum = np.concatenate([[0.0], np.cumsum(vals[1:])])  # csum[j] = sum vals[1..j]
        if padded:
            reach = idx >= 1
        else:
            reach = (idx >= 1) & (idx < m)
        upto = np.minimum(idx, m - 1)
        with np.errstate(invalid='ignore', divide='ignore'):
            mean = csum[np.clip(upto, 0, None)] / np.maximum(idx, 1)
        num[reach] += w * mean[reach]
        den[reach] += w
    ok = den > 0
    phi[1:][ok[1:]] = num[1:][ok[1:]] / den[1:][ok[1:]]
    return phi


def compute_eao(sequence_runs, interval=VOT2018_EAO_INTERVAL):
    """EAO and the curve. ``sequence_runs``: list over sequences of lists over runs of (overlaps, failures).

    returns:
        (eao, phi) with phi the expected-overlap curve indexed by i = Ns - 1.
    """
    fragments = []
    max_len = 0
    for runs in sequence_runs:
        if not runs:
            continue
        w = 1.0 / len(runs)
        for overlaps, failures in runs:
            max_len = max(max_len, len(overlaps))
            fragments.extend(_fragments(overlaps, failures, w))
    phi = expected_overlap_curve(fragments, max_len)
    lo, hi = interval[0] - 1, min(interval[1] - 1, max_len - 1)
    sel = phi[lo:hi + 1] if hi >= lo else np.array([])
    sel = sel[np.isfinite(sel)]
    eao = float(sel.mean()) if sel.size else float('nan')
    return eao, phi


def compute_accuracy_robustness(sequence_runs_entries, sequence_overlaps, burnin=BURNIN):
    """(accuracy, robustness, lost, per-sequence dict) from per-sequence lists of per-run entries / overlaps."""
    all_frames, total_frames, lost = [], 0, 0.0
    per_seq = []
    for runs_entries, runs_overlaps in zip(sequence_runs_entries, sequence_overlaps):
        if not runs_entries:
            per_seq.append({'accuracy': float('nan'), 'failures': float('nan'), 'length': 0})
            continue
        acc = np.stack([apply_burnin(e, o, burnin) for e, o in zip(runs_entries, runs_overlaps)])
        has = np.isfinite(acc).any(axis=0)
        frame_mean = np.full(acc.shape[1], np.nan)
        if has.any():
            frame_mean[has] = np.nanmean(acc[:, has], axis=0)
        fails = float(np.mean([len(failure_frames(e)) for e in runs_entries]))
        n = len(runs_entries[0])
        all_frames.append(frame_mean)
        total_frames += n
        lost += fails
        per_seq.append({'accuracy': float(np.nanmean(frame_mean)) if has.any() else float('nan'),
                        'failures': fails, 'length': n})
    frames = np.concatenate(all_frames) if all_frames else np.array([])
    accuracy = float(np.nanmean(frames)) if np.isfinite(frames).any() else float('nan')
    robustness = 100.0 * lost / total_frames if total_frames else float('nan')
    return accuracy, robustness, lost, per_seq


def find_vot_runs(tracker, seq_name):
    """The result files ``<results_dir>/baseline/<seq>/<seq>_NNN.txt`` of one Tracker (sorted)."""
    folder = os.path.join(tracker.results_dir, 'baseline', seq_name)
    return sorted(f for f in glob.glob(os.path.join(folder, '{}_[0-9][0-9][0-9].txt'.format(seq_name))))


def _image_bounds(seq):
    try:
        from PIL import Image
        with Image.open(seq.frames[0]) as im:
            return im.size  # (W, H)
    except Exception:
        return None


def evaluate_vot(trackers, dataset, interval=VOT2018_EAO_INTERVAL, burnin=BURNIN, skip_missing_seq=False):
    """Accuracy, robustness, lost and EAO per (name, param) (runs of all run ids merged); list of dicts."""
    groups = OrderedDict()
    for t in trackers:
        groups.setdefault((t.name, t.parameter_name), []).append(t)
    dataset = list(dataset)
    polys = [sequence_polygons(s) for s in dataset]
    bounds = [_image_bounds(s) for s in dataset]
    out = []
    for (name, param), trks in groups.items():
        seq_entries, seq_overlaps, seq_runs, missing = [], [], [], []
        for seq, poly, bnd in zip(dataset, polys, bounds):
            files = [f for t in trks for f in find_vot_runs(t, seq.name)]
            if not files:
                missing.append(seq.name)
            entries = [load_vot_results(f) for f in files]
            for f, e in zip(files, entries):
                if len(e) != len(seq.frames):
                    raise ValueError("'{}' has {} lines for {} frames".format(f, len(e), len(seq.frames)))
            overlaps = [trajectory_overlaps(e, poly, bnd) for e in entries]
            seq_entries.append(entries)
            seq_overlaps.append(overlaps)
            seq_runs.append([(o, failure_frames(e)) for o, e in zip(overlaps, entries)])
        if missing and not skip_missing_seq:
            raise FileNotFoundError('No VOT results of {} {} for {} sequence(s): {}'.format(
                name, param, len(missing), ', '.join(missing)))
        accuracy, robustness, lost, per_seq = compute_accuracy_robustness(seq_entries, seq_overlaps, burnin)
        eao, phi = compute_eao(seq_runs, interval)
        disp = trks[0].display_name or '{}_{}'.format(name, param)
        out.append({'disp_name': disp, 'name': name, 'param': param, 'run_ids': [t.run_id for t in trks],
                    'num_runs': [len(r) for r in seq_runs], 'accuracy': accuracy, 'robustness': robustness,
                    'lost': lost, 'eao': eao, 'eao_curve': phi, 'per_sequence': OrderedDict(
                        (s.name, p) for s, p in zip(dataset, per_seq)), 'missing': missing})
    return out


def print_vot_results(trackers, dataset, report_name='vot2018', **kwargs):
    """Print the VOT2018 table (Accuracy, Robustness, Lost, EAO); returns ``evaluate_vot``'s list."""
    scores = evaluate_vot(trackers, dataset, **kwargs)
    name_w = max([len(report_name)] + [len(s['disp_name']) for s in scores]) + 2
    cols = ('Accuracy', 'Robustness', 'Lost', 'EAO', 'Runs')
    print('{:<{}}|'.format(report_name, name_w) + '|'.join(' {:<11}'.format(c) for c in cols) + '|')
    for s in scores:
        runs = sorted(set(s['num_runs']))
        vals = ('%0.4f' % s['accuracy'], '%0.4f' % s['robustness'], '%0.1f' % s['lost'], '%0.4f' % s['eao'],
                '/'.join(str(r) for r in runs))
        print('{:<{}}|'.format(s['disp_name'], name_w) + '|'.join(' {:<11}'.format(v) for v in vals) + '|')
    return scores
