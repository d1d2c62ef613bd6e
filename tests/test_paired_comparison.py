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


def _random_ious(rng, n):
    """``{name: IoUs}`` for A and B over ``n`` sequences with different frame counts (one sequence unscored)."""
    counts = rng.integers(3, 12, size=n)
    counts[1] = 0
    a = {'s{}'.format(i): rng.random(c) for i, c in enumerate(counts)}
    b = {'s{}'.format(i): np.clip(v + rng.normal(0.02, 0.2, size=len(v)), 0, 1) for i, v in enumerate(a.values())}
    return a, b


def test_subset_share_matches_every_subset_enumerated():
    """The sampled share and median equal, within sampling error, those of all C(7, 3) = 35 subsets enumerated, each
    scored by pooling its IoUs directly (an unscored sequence counts in the pool with no frames)."""
    import itertools
    rng = np.random.default_rng(3)
    a, b = _random_ious(rng, 7)
    r = pc.paired_lead(a, b)
    names = list(a)
    delta = []
    for sub in itertools.combinations(names, 3):
        pa, pb = np.concatenate([a[k] for k in sub]), np.concatenate([b[k] for k in sub])
        delta.append(100 * (pb.mean() - pa.mean()))
    delta = np.array(delta)
    exact = (delta >= 0).mean()
    assert 0.1 < exact < 0.9   # the test can tell a wrong share from a right one
    s = pc.subset_share(r, 3, draws=40000, seed=1)
    assert (s['size'], s['n'], s['draws'], s['seed']) == (3, 7, 40000, 1)
    assert s['share'] == pytest.approx(exact, abs=4 * np.sqrt(exact * (1 - exact) / 40000))
    assert s['q05'] <= s['q50'] <= s['q95']
    assert np.min(delta) <= s['q05'] and s['q95'] <= np.max(delta)
    assert np.sort(delta)[12] <= s['q50'] <= np.sort(delta)[22]   # near the 18th of the 35 values
    # the same seed gives the same draws
    assert pc.subset_share(r, 3, draws=500, seed=5) == pc.subset_share(r, 3, draws=500, seed=5)


def test_subset_share_in_blocks_draws_every_subset_asked_for(monkeypatch):
    """Drawn in blocks of 3 subsets (7 sequences, 21 keys per block), 20001 draws still give the enumerated share."""
    import itertools
    a, b = _random_ious(np.random.default_rng(3), 7)
    exact = np.mean([np.concatenate([b[k] for k in sub]).mean() >= np.concatenate([a[k] for k in sub]).mean()
                     for sub in itertools.combinations(list(a), 3)])
    monkeypatch.setattr(pc, '_SUBSET_CHUNK_VALUES', 21)
    s = pc.subset_share(pc.paired_lead(a, b), 3, draws=20001, seed=2)
    assert s['draws'] == 20001
    assert s['share'] == pytest.approx(exact, abs=4 * np.sqrt(exact * (1 - exact) / 20001))


def test_subset_share_of_the_whole_set_is_the_whole_comparison_and_pools_over_pairs():
    rng = np.random.default_rng(4)
    a, b = _random_ious(rng, 5)
    r = pc.paired_lead(a, b)
    s = pc.subset_share(r, 5, draws=50)
    assert s['share'] == float(r['AO_b'] >= r['AO_a'])
    for q in ('q05', 'q50', 'q95'):
        assert s[q] == pytest.approx(r['AO_b'] - r['AO_a'], abs=1e-9)
    a2, b2 = _random_ious(np.random.default_rng(5), 4)
    a2 = {'t' + k: v for k, v in a2.items()}
    b2 = {'t' + k: v for k, v in b2.items()}
    pooled = pc._pool([r, pc.paired_lead(a2, b2)])
    s = pc.subset_share(pooled, 9, draws=10)
    both_a = np.concatenate(list(a.values()) + list(a2.values()))
    both_b = np.concatenate(list(b.values()) + list(b2.values()))
    assert s['q50'] == pytest.approx(100 * (both_b.mean() - both_a.mean()), abs=1e-9)


def test_subset_share_errors_and_command_line(runs, capsys):
    rng = np.random.default_rng(6)
    r = pc.paired_lead(*_random_ious(rng, 4))
    for size in (0, 5):
        with pytest.raises(ValueError, match=r'subset size {} is not in 1\.\.4'.format(size)):
            pc.subset_share(r, size)
    with pytest.raises(ValueError, match='draws=0'):
        pc.subset_share(r, 2, draws=0)
    with pytest.raises(ValueError, match='no scored frame'):   # 's1' alone has no frames
        pc.subset_share(r, 1, draws=2000)
    a, b, c, seqs, shifts = runs
    assert pc.main(['--pair', 'synthetic_val', str(a), str(a), '--tracker_b', 'csrt', '--num_sequences', '3',
                    '--num_frames', '6', '--subsets', '3', '--subset_draws', '10']) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    # A is the ground truth, so B (csrt's shifted boxes) is behind on every subset
    assert line.startswith("random 3-sequence subsets of the 3 (10 draws, seed 0): B's AO >= A's in 0.0 %")
