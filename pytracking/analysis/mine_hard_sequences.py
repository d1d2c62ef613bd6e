"""Rank the sequences of a GOT-10k-layout training folder by how well FCOT-tiny tracks them, and list the hardest.

    python -m pytracking.analysis.mine_hard_sequences FOLDER [--fraction 0.25] [--exclude_last 20]
        [--net PATH] [--param NAME=VALUE ...] [--threads T] [--list hard_sequences.txt]

Every sequence of ``FOLDER/list.txt`` but the last ``--exclude_last`` (a training stage's validation sequences, which
it must not see twice) is tracked by FCOT-tiny (parameter file ``demo``, the shipped model unless ``--net``) from
its first ground-truth box, as ``compare_baselines`` does. A sequence's score is its mean IoU over frames 1..N-1
where the target is visible (predictions clipped to the image: the GOT-10k toolkit's convention). Written into
``FOLDER``:

- ``sequence_iou.txt``: ``name<TAB>mean IoU`` for every tracked sequence, in ``list.txt`` order;
- ``--list`` (default ``hard_sequences.txt``): the names of the ``--fraction`` of tracked sequences with the lowest
  mean IoU (rounded to the nearest whole sequence, at least one), one per line, lowest first; ties keep
  ``list.txt`` order.

A training stage reads that list through its ``synthetic_hard_list`` setting
(:func:`ltr.train_settings.fcot.recipe.build_datasets`) and draws part of its samples from those sequences.
"""
import argparse
import os
import sys
from typing import List, Sequence, Tuple

import numpy as np

from pytracking.analysis.compare_baselines import (add_fcot_tiny_options, make_baseline_tracker,
                                                   parse_fcot_tiny_options, run_comparison, sequence_ious)

__all__ = ['SEQUENCE_IOU_FILE', 'DEFAULT_LIST_FILE', 'hardest', 'mine', 'main']

#: Per-sequence scores, written into the mined folder.
SEQUENCE_IOU_FILE = 'sequence_iou.txt'
#: Default name of the list of hardest sequences, written into the mined folder.
DEFAULT_LIST_FILE = 'hard_sequences.txt'


def hardest(names: Sequence[str], scores: Sequence[float], fraction: float) -> List[str]:
    """The ``round(fraction * len(names))`` names (at least one) with the lowest ``scores``, lowest first; ties keep
    the order of ``names``."""
    if not 0 < fraction <= 1:
        raise ValueError('fraction={}: must be in (0, 1]'.format(fraction))
    if len(names) != len(scores) or not names:
        raise ValueError('{} names for {} scores: need the same non-zero number'.format(len(names), len(scores)))
    count = max(1, int(round(fraction * len(names))))
    order = np.argsort(np.asarray(scores, dtype=np.float64), kind='stable')
    return [names[i] for i in order[:count]]


def mine(folder: str, fraction: float = 0.25, exclude_last: int = 0, net=None, list_name: str = DEFAULT_LIST_FILE,
         log=print, **param_overrides) -> Tuple[List[str], List[float], List[str]]:
    """Track every sequence of ``folder`` but the last ``exclude_last`` with FCOT-tiny and write
    ``sequence_iou.txt`` and ``list_name`` into ``folder`` (module docstring). Returns ``(names, mean IoUs,
    hardest names)``."""
    from pytracking.evaluation.syntheticdataset import SyntheticDataset
    if os.sep in list_name or '/' in list_name or not list_name:
        raise ValueError('list name {!r}: must be a plain file name (written into {})'.format(list_name, folder))
    seqs = SyntheticDataset(folder).get_sequence_list()
    if not 0 <= exclude_last < len(seqs):
        raise ValueError('exclude_last={}: {} holds {} sequences (need 0 <= exclude_last < {})'.format(
            exclude_last, folder, len(seqs), len(seqs)))
    seqs = seqs[:len(seqs) - exclude_last]
    if log is not None:
        log('Mining {} of the sequences in {} with FCOT-tiny{}'.format(
            len(seqs), folder, ' ({})'.format(param_overrides) if param_overrides else ''))
    results = run_comparison(seqs, ['fcot_tiny'], lambda n: make_baseline_tracker(n, net, **param_overrides),
                             log=log)['fcot_tiny']
    names = [seq.name for seq in seqs]
    scores = []
    for seq in seqs:
        boxes, _, hw = results[seq.name]
        ious = sequence_ious(boxes, seq, hw)
        scores.append(float(ious.mean()) if ious.size else float('nan'))
    if any(np.isnan(scores)):
        bad = [n for n, s in zip(names, scores) if np.isnan(s)]
        raise ValueError('sequences with no visible target after the first frame cannot be scored: {}'.format(bad))
    hard = hardest(names, scores, fraction)
    with open(os.path.join(folder, SEQUENCE_IOU_FILE), 'w') as f:
        f.writelines('{}\t{:.6f}\n'.format(n, s) for n, s in zip(names, scores))
    with open(os.path.join(folder, list_name), 'w') as f:
        f.writelines(n + '\n' for n in hard)
    if log is not None:
        hard_scores = sorted(scores)[:len(hard)]
        log('Mean IoU over the {} sequences {:.4f}; the {} hardest (mean IoU {:.4f}, at most {:.4f}) in {}'.format(
            len(names), float(np.mean(scores)), len(hard), float(np.mean(hard_scores)), hard_scores[-1],
            os.path.join(folder, list_name)))
    return names, scores, hard


def build_parser():
    p = argparse.ArgumentParser(prog='python -m pytracking.analysis.mine_hard_sequences',
                                description='List the sequences of a GOT-10k-layout training folder that FCOT-tiny '
                                            'tracks worst.')
    p.add_argument('folder', help='GOT-10k-layout folder (list.txt and one folder per sequence)')
    p.add_argument('--fraction', type=float, default=0.25, help='share of the tracked sequences to list (default 0.25)')
    p.add_argument('--exclude_last', type=int, default=0,
                   help="leave out the last N sequences of list.txt (a training stage's validation sequences)")
    p.add_argument('--list', default=DEFAULT_LIST_FILE, help='file name of the list, written into FOLDER')
    add_fcot_tiny_options(p)
    return p


def main(argv=None):
    args, overrides = parse_fcot_tiny_options(build_parser(), argv)
    mine(args.folder, args.fraction, args.exclude_last, args.net, args.list, **overrides)
    return 0


if __name__ == '__main__':
    sys.exit(main())
