"""Agreement with the independent got10k toolkit (PyPI ``got10k``, used here only as a reference).

The result files are written to disk and read back through our extraction, so the whole path is checked.
Conventions (documented differences):

- IoU: got10k's continuous IoU of [x, x+w) boxes equals pytracking's inclusive-pixel IoU (the +1 / -1 cancel);
  centre errors use the same (w - 1) / 2 centre. Equal to rounding.
- OTB (``ExperimentOTB``): its report sets ``boxes[0] = anno[0]`` as we do; 21 IoU bins (``linspace``; ours
  ``arange``, same values up to 1 ulp) and 51 pixel bins, sequence mean -> identical curves, AUC, precision.
- GOT-10k (``ExperimentGOT10k``): its val report drops the first frame and pools the frames of all sequences
  (and of all runs); pytracking keeps frame 0 (IoU 1) and averages per sequence. So per sequence with n frames:
  ours = (1 + (n - 1) * got10k) / n for AO and SR; the dataset AO is a frame-weighted mean there and a
  sequence mean here. got10k's FPS is mean(1 / t) over frames, ours frames / sum(t) per sequence.
"""
import os

import numpy as np
import pytest

from got10k.experiments import ExperimentGOT10k, ExperimentOTB  # noqa: E402
from got10k.utils.metrics import center_error, rect_iou  # noqa: E402

from pytracking.analysis.extract_results import extract_results  # noqa: E402
from pytracking.analysis.metrics import calc_center_error, calc_iou_overlap  # noqa: E402
from pytracking.analysis.plot_results import compute_scores  # noqa: E402
from pytracking.evaluation import Sequence, SequenceList, Tracker  # noqa: E402

LENGTHS = [30, 57, 12, 100, 41]


def random_sequences(seed=0):
    rng = np.random.default_rng(seed)
    data = []
    for i, n in enumerate(LENGTHS):
        xy = rng.uniform(20, 200, (n, 2))
        wh = rng.uniform(10, 80, (n, 2))
        gt = np.concatenate([xy, wh], axis=1)
        pred = gt + rng.normal(0, 1, (n, 4)) * np.array([12, 12, 8, 8])
        pred[:, 2:] = np.abs(pred[:, 2:]) + 1.0
        pred[rng.random(n) < 0.1, :2] += 150  # some misses (IoU 0, large centre errors)
        times = rng.uniform(0.01, 0.05, n)
        data.append(('seq{}'.format(i), gt, pred, times))
    return data


@pytest.fixture
def written(tmp_path, pytracking_local):
    pytracking_local(results_path=str(tmp_path / 'res'), result_plot_path=str(tmp_path / 'plots'))
    trk = Tracker('agree', 'p')
    os.makedirs(trk.results_dir)
    data = random_sequences()
    seqs = []
    for name, gt, pred, times in data:
        np.savetxt(os.path.join(trk.results_dir, name + '.txt'), pred, delimiter='\t', fmt='%.17g')
        np.savetxt(os.path.join(trk.results_dir, name + '_time.txt'), times, fmt='%.17g')
        seqs.append(Sequence(name, ['x.jpg'] * len(gt), 'otb', gt))
    return trk, SequenceList(seqs), data


def test_rect_iou_and_center_error_equal():
    for _, gt, pred, _ in random_sequences(1):
        np.testing.assert_allclose(calc_iou_overlap(pred, gt), rect_iou(pred.copy(), gt.copy()), rtol=0, atol=1e-12)
        np.testing.assert_allclose(calc_center_error(pred, gt), center_error(pred, gt), rtol=0, atol=1e-9)


def test_otb_curves_auc_precision_equal(written):
    trk, ds, data = written
    ed = extract_results([trk], ds, 'agree_otb')
    exp = ExperimentOTB.__new__(ExperimentOTB)  # only the metric methods are used (no dataset download)
    exp.nbins_iou, exp.nbins_ce = 21, 51
    succ_ref, prec_ref = [], []
    for s, (name, gt, pred, _) in enumerate(data):
        boxes = pred.copy()
        boxes[0] = gt[0]
        ious, ces = exp._calc_metrics(boxes, gt)
        sc, pc = exp._calc_curves(ious, ces)
        np.testing.assert_array_equal(ed['ave_success_rate_plot_overlap'][s, 0], sc)
        np.testing.assert_array_equal(ed['ave_success_rate_plot_center'][s, 0], pc)
        succ_ref.append(sc)
        prec_ref.append(pc)
    score = compute_scores(ed)[0]
    succ_ref, prec_ref = np.mean(succ_ref, axis=0), np.mean(prec_ref, axis=0)
    assert score['auc'] == pytest.approx(100 * np.mean(succ_ref), abs=1e-10)  # got10k 'success_score'
    assert score['op50'] == pytest.approx(100 * succ_ref[21 // 2], abs=1e-10)  # got10k 'success_rate'
    assert score['precision'] == pytest.approx(100 * prec_ref[20], abs=1e-10)  # got10k 'precision_score'


def test_got10k_ao_sr_curve_relation(written):
    trk, ds, data = written
    ed = extract_results([trk], ds, 'agree_got')
    exp = ExperimentGOT10k.__new__(ExperimentGOT10k)
    pooled = []
    for s, (name, gt, pred, times) in enumerate(data):
        n = len(gt)
        ious = rect_iou(pred[1:].copy(), gt[1:].copy())  # got10k drops frame 0
        ao, sr, speed, curve = exp._evaluate(ious, times)
        pooled.append(ious)
        assert ed['avg_overlap_all'][s, 0] == pytest.approx((1 + (n - 1) * ao) / n, abs=1e-12)
        assert ed['ave_success_rate_plot_overlap'][s, 0, 10] == pytest.approx((1 + (n - 1) * sr) / n, abs=1e-12)
        # success curves at the common thresholds (0, 0.05, ..., 0.95; 1.0 excluded: frame 0 is not > 1)
        ours = ed['ave_success_rate_plot_overlap'][s, 0, :20]
        np.testing.assert_allclose(ours, (1 + (n - 1) * curve[0:100:5]) / n, atol=1e-12)
        assert speed == pytest.approx(np.mean(1 / times))
        assert ed['fps'][s, 0] == pytest.approx(n / times.sum())
    ao_all, sr_all, _, _ = exp._evaluate(np.concatenate(pooled), np.array([]))
    frames = np.array(LENGTHS) - 1
    per_seq_ao = np.array([np.mean(p) for p in pooled])
    assert ao_all == pytest.approx(np.sum(per_seq_ao * frames) / frames.sum(), abs=1e-12)  # frame-weighted
    score = compute_scores(ed)[0]
    assert score['ao'] == pytest.approx(100 * np.mean((1 + frames * per_seq_ao) / (frames + 1)), abs=1e-10)
