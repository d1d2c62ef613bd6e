"""``paired_comparison``: the paired per-sequence lead (and its standard error) of one tracker run over another."""
import json

import numpy as np
import pytest

from pytracking.analysis import paired_comparison as pc
from pytracking.evaluation import synthetic_test as sets


def _iou_clipped(pred, gt, hw):
    """Independent IoU of one ``[x, y, w, h]`` prediction (clipped to the ``(H, W)`` image) with the ground truth."""
    h, w = hw
    px0, py0 = min(max(pred[0], 0), w), min(max(pred[1], 0), h)
    px1, py1 = min(max(pred[0] + pred[2], 0), w), min(max(pred[1] + pred[3], 0), h)
    gx0, gy0, gx1, gy1 = gt[0], gt[1], gt[0] + gt[2], gt[1] + gt[3]
    inter = max(0.0, min(px1, gx1) - max(px0, gx0)) * max(0.0, min(py1, gy1) - max(py0, gy0))
    union = (px1 - px0) * (py1 - py0) + gt[2] * gt[3] - inter
    return inter / union


@pytest.fixture(scope='module')
def runs(tmp_path_factory):
    """Two compare_baselines-style folders on 3 sequences x 6 frames of synthetic_val: A holds the ground truth as
    'fcot_tiny' and the shifts of C as 'csrt'; B holds per-sequence shifts (0.25, 0, 0.5 of the width) as
    'fcot_tiny'; C holds shifts (0.1, 0.3, 0.2) as 'fcot_tiny'."""
    root = tmp_path_factory.mktemp('paired')
    a, b, c = root / 'A', root / 'B', root / 'C'
    seqs = sets.synthetic_set_sequences('synthetic_val', a / 'data', num_sequences=3, num_frames=6, verbose=False)
    shifts = [0.25, 0.0, 0.5]
    for folder, tracker, per_seq in ((a, 'fcot_tiny', [0, 0, 0]), (a, 'csrt', [0.1, 0.3, 0.2]),
                                    (b, 'fcot_tiny', shifts), (c, 'fcot_tiny', [0.1, 0.3, 0.2])):
        (folder / 'results' / tracker).mkdir(parents=True)
        for seq, s in zip(seqs, per_seq):
            boxes = np.asarray(seq.ground_truth_rect, dtype=np.float64).copy()
            boxes[1:, 0] += s * boxes[1:, 2]
            np.savetxt(folder / 'results' / tracker / (seq.name + '.txt'), boxes, delimiter='\t', fmt='%.3f')
    return a, b, c, seqs, shifts


def _expected(seqs, shifts_a, shifts_b):
    from PIL import Image
    per_a, per_b, pooled_a, pooled_b = [], [], [], []
    for seq, sa, sb in zip(seqs, shifts_a, shifts_b):
        w, h = Image.open(seq.frames[0]).size
        gt = np.round(np.asarray(seq.ground_truth_rect, dtype=np.float64), 3)  # as written with %.3f
        visible = np.asarray(seq.target_visible, dtype=bool)
        scored = [g for g, v in zip(gt[1:], visible[1:]) if v]  # the first frame and hidden targets do not count
        ia = [_iou_clipped(g + [sa * g[2], 0, 0, 0], g, (h, w)) for g in scored]
        ib = [_iou_clipped(g + [sb * g[2], 0, 0, 0], g, (h, w)) for g in scored]
        per_a.append(np.mean(ia)); per_b.append(np.mean(ib)); pooled_a += ia; pooled_b += ib
    diff = 100 * (np.array(per_b) - np.array(per_a))
    return diff, 100 * np.mean(pooled_a), 100 * np.mean(pooled_b)


def test_lead_matches_an_independent_iou_and_standard_error(runs):
    a, b, c, seqs, shifts = runs
    r = pc.compare_pair('synthetic_val', str(a), str(b), num_sequences=3, num_frames=6)
    diff, ao_a, ao_b = _expected(seqs, [0, 0, 0], shifts)
    assert diff[1] == pytest.approx(0, abs=1e-9) and diff[0] < -20 and diff[2] < diff[0]
    np.testing.assert_allclose(r['diff'], diff, atol=1e-6)
    assert r['lead'] == pytest.approx(diff.mean(), abs=1e-6)
    assert r['se'] == pytest.approx(np.std(diff, ddof=1) / np.sqrt(3), abs=1e-6)
    assert (r['AO_a'], r['AO_b']) == (pytest.approx(ao_a, abs=1e-6), pytest.approx(ao_b, abs=1e-6))
    assert (r['ahead'], r['behind'], r['n'], r['names']) == (0, 2, 3, [s.name for s in seqs])
    # the sequences differ in scored frames (hidden targets), so the pooled AO is not the mean of sequence means
    assert len(r['pooled_b']) == sum(int(np.sum(s.target_visible[1:])) for s in seqs) < 15
    assert r['AO_b'] != pytest.approx(100 + r['lead'], abs=1)


def test_two_trackers_of_one_run_and_the_command_line(runs, tmp_path, capsys):
    a, b, c, seqs, shifts = runs
    out_json = tmp_path / 'p.json'
    opts = ['--num_sequences', '3', '--num_frames', '6']
    assert pc.main(['--pair', 'synthetic_val', str(a), str(c), '--pair', 'synthetic_val', str(a), str(b),
                    '--json', str(out_json)] + opts) == 0
    printed = capsys.readouterr().out
    d1, _, _ = _expected(seqs, [0, 0, 0], [0.1, 0.3, 0.2])
    d2, _, _ = _expected(seqs, [0, 0, 0], shifts)
    both = np.concatenate([d1, d2])
    se = np.std(both, ddof=1) / np.sqrt(6)
    assert '| all 2 sets | 6 |' in printed
    assert '{:+.2f} +- {:.2f} | {:.2f} | 0 | 5 |'.format(both.mean(), se, both.mean() / se) in printed
    saved = json.loads(out_json.read_text())
    np.testing.assert_allclose(saved['all 2 sets']['diff'], both, atol=1e-6)
    assert len(saved['all 2 sets']['names']) == 6
    # one run, two trackers: A's csrt (C's shifts) against A's fcot_tiny gives C's numbers
    assert pc.main(['--pair', 'synthetic_val', str(a), str(a), '--tracker_b', 'csrt'] + opts) == 0
    row = '{:+.2f} +- {:.2f} | {:.2f} | 0 | 3 |'.format(d1.mean(), np.std(d1, ddof=1) / np.sqrt(3),
                                                        d1.mean() / (np.std(d1, ddof=1) / np.sqrt(3)))
    assert row in capsys.readouterr().out


def test_errors_name_what_is_missing(runs, tmp_path):
    a, b, c, seqs, _ = runs
    with pytest.raises(FileNotFoundError, match="no results of tracker 'kcf' in .*trackers there: csrt, fcot_tiny"):
        pc.compare_pair('synthetic_val', str(a), str(b), tracker_a='kcf', num_sequences=3, num_frames=6)
    with pytest.raises(FileNotFoundError, match="no folder"):
        pc.main(['--pair', 'synthetic_val', str(a), str(tmp_path / 'nowhere')])
    ious = {'s1': np.ones(3), 's2': np.ones(3)}
    with pytest.raises(ValueError, match='in one only: s2'):
        pc.paired_lead(ious, {'s1': np.ones(3)})
    with pytest.raises(ValueError, match="sequence 's1': 3 scored frames in A, 2 in B"):
        pc.paired_lead(ious, {'s1': np.ones(2), 's2': np.ones(3)})
