"""``mine_hard_sequences``: the per-sequence scores it writes are FCOT-tiny's mean IoUs on the same frames, the list is
the lowest fraction, the validation sequences at the end of ``list.txt`` are never tracked, and bad arguments fail
naming the value."""
from pathlib import Path

import numpy as np
import pytest

from ltr.dataset.synthetic import ensure_synthetic_dataset
from pytracking.analysis import mine_hard_sequences as mh


def independent_iou(a, b):
    """IoU of [x, y, w, h] rows, written out from the box corners."""
    ax1, ay1 = a[:, 0] + a[:, 2], a[:, 1] + a[:, 3]
    bx1, by1 = b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]
    iw = np.clip(np.minimum(ax1, bx1) - np.maximum(a[:, 0], b[:, 0]), 0, None)
    ih = np.clip(np.minimum(ay1, by1) - np.maximum(a[:, 1], b[:, 1]), 0, None)
    inter = iw * ih
    return inter / (a[:, 2] * a[:, 3] + b[:, 2] * b[:, 3] - inter)


def test_hardest_takes_the_rounded_lowest_fraction_in_score_order_with_stable_ties():
    names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
    scores = [0.9, 0.2, 0.5, 0.2, 0.7, 0.1, 0.6, 0.3]
    assert mh.hardest(names, scores, 0.25) == ['f', 'b']
    assert mh.hardest(names, scores, 0.5) == ['f', 'b', 'd', 'h']  # b before d: equal scores keep list order
    assert mh.hardest(names, scores, 1.0) == sorted(names, key=lambda n: (scores[names.index(n)], names.index(n)))
    assert mh.hardest(names, scores, 0.01) == ['f']  # at least one
    for bad in (0, -0.1, 1.5):
        with pytest.raises(ValueError, match='fraction={}'.format(bad)):
            mh.hardest(names, scores, bad)
    with pytest.raises(ValueError, match='8 names for 7 scores'):
        mh.hardest(names, scores[:7], 0.5)


def test_mine_scores_every_training_sequence_with_the_trackers_own_ious(tmp_path):
    from pytracking.analysis.compare_baselines import make_baseline_tracker, run_comparison
    from pytracking.evaluation.syntheticdataset import SyntheticDataset
    import torch
    torch.set_num_threads(1)
    folder = Path(ensure_synthetic_dataset(tmp_path / "data", num_sequences=4, num_frames=6, size=(160, 120), seed=5))
    names, scores, hard = mh.mine(str(folder), fraction=0.5, exclude_last=1, log=None)
    all_names = [line.strip() for line in (folder / 'list.txt').read_text().splitlines() if line.strip()]
    assert names == all_names[:3]  # the last sequence (a stage's validation sequence) is never tracked

    # independently: the same tracker on the same frames, IoUs from the corners
    seqs = SyntheticDataset(str(folder)).get_sequence_list()[:3]
    boxes = run_comparison(seqs, ['fcot_tiny'], make_baseline_tracker, log=None)['fcot_tiny']
    expected = []
    for seq in seqs:
        b, _, (h, w) = boxes[seq.name]
        x0, y0 = np.clip(b[:, 0], 0, w), np.clip(b[:, 1], 0, h)
        x1, y1 = np.clip(b[:, 0] + b[:, 2], 0, w), np.clip(b[:, 1] + b[:, 3], 0, h)
        clipped = np.stack([x0, y0, x1 - x0, y1 - y0], axis=1)
        keep = np.arange(len(b)) > 0  # frame 0 and frames where the target is hidden do not count
        if seq.target_visible is not None:
            keep &= np.asarray(seq.target_visible, dtype=bool)
        expected.append(independent_iou(clipped[keep], np.asarray(seq.ground_truth_rect)[keep]).mean())
    np.testing.assert_allclose(scores, expected, atol=1e-9)
    assert 0 <= min(scores) and max(scores) <= 1 and len(set(np.round(scores, 6))) > 1

    rows = [line.split('\t') for line in (folder / mh.SEQUENCE_IOU_FILE).read_text().splitlines()]
    assert [r[0] for r in rows] == names
    np.testing.assert_allclose([float(r[1]) for r in rows], expected, atol=1e-6)
    listed = (folder / mh.DEFAULT_LIST_FILE).read_text().split()
    order = np.argsort(expected, kind='stable')
    assert listed == hard == [names[i] for i in order[:2]]  # round(0.5 * 3) = 2, lowest first


def test_mine_rejects_bad_arguments_naming_them(tmp_path):
    folder = Path(ensure_synthetic_dataset(tmp_path / "data", num_sequences=2, num_frames=3, size=(64, 48), seed=6))
    with pytest.raises(ValueError, match='exclude_last=2: .* holds 2 sequences'):
        mh.mine(str(folder), exclude_last=2, log=None)
    with pytest.raises(ValueError, match="list name 'a/b.txt'"):
        mh.mine(str(folder), list_name='a/b.txt', log=None)
    with pytest.raises(SystemExit):
        mh.main([str(folder), '--param', 'not a param'])
