"""VOT2018: polygon overlap, polygon -> box conversion, the reset protocol (codes, re-init frames, burn-in),
result files, the run_tracker hook, and accuracy / robustness / EAO on hand-made failure patterns."""
import os
import sys

import cv2
import numpy as np
import pytest

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)

from eval_dummy.vottracker import FAIL_AFTER, VOTScriptedTracker  # noqa: E402
from pytracking.analysis import vot_eao  # noqa: E402
from pytracking.evaluation import Sequence, SequenceList, Tracker, trackerlist  # noqa: E402
from pytracking.evaluation.vot_protocol import (load_vot_results, run_vot_dataset, run_vot_sequence,  # noqa: E402
                                                save_vot_results, vot_result_paths)
from pytracking.utils.vot_region import (clip_polygon_to_rect, polygon_area, region_overlap,  # noqa: E402
                                         vot_anno_to_rect)

SQUARE = [0, 0, 10, 0, 10, 10, 0, 10]


# ----------------------------------------------------------------------------------------- geometry
def test_region_overlap_hand_values():
    assert region_overlap(SQUARE, [0, 0, 10, 10]) == pytest.approx(1.0)
    assert region_overlap(SQUARE, [0, 0, 10, 5]) == pytest.approx(0.5)
    assert region_overlap(SQUARE, [5, 5, 10, 10]) == pytest.approx(25 / 175)
    assert region_overlap(SQUARE, [10, 0, 5, 5]) == 0.0  # touching only
    assert region_overlap(SQUARE, [-1000, -1000, 5, 5]) == 0.0
    diamond = [10, 0, 20, 10, 10, 20, 0, 10]  # area 200 inside its 20x20 bounding box
    assert polygon_area(diamond) == pytest.approx(200)
    assert region_overlap(diamond, [0, 0, 20, 20]) == pytest.approx(0.5)
    # non-convex quadrilateral (a dart, area 4) containing the unit square
    dart = [0, 0, 4, 0, 1, 1, 0, 4]
    assert polygon_area(dart) == pytest.approx(4)
    assert region_overlap(dart, [0, 0, 1, 1]) == pytest.approx(1 / 4)
    assert polygon_area(clip_polygon_to_rect(dart, 0.5, 0.5, 3, 3)) == pytest.approx(
        polygon_area(clip_polygon_to_rect(dart, 0.5, 0.5, 3, 3)[::-1]))
    # image bounds: both regions cut to [0, W] x [0, H]
    assert region_overlap([-10, 0, 10, 0, 10, 10, -10, 10], [0, 0, 10, 10], bounds=(100, 100)) == pytest.approx(1)
    assert region_overlap([-10, 0, 10, 0, 10, 10, -10, 10], [0, 0, 10, 10]) == pytest.approx(0.5)


def test_region_overlap_against_shapely():
    import shapely.geometry as shapely
    rng = np.random.default_rng(3)
    checked = 0
    for _ in range(300):
        c = rng.uniform(20, 80, 2)
        angles = np.sort(rng.uniform(0, 2 * np.pi, 4))
        radii = rng.uniform(2, 30, 4)  # star-shaped quadrilaterals: convex or not
        poly = np.stack([c[0] + radii * np.cos(angles), c[1] + radii * np.sin(angles)], axis=1)
        rect = [*rng.uniform(0, 90, 2), *rng.uniform(1, 40, 2)]
        P = shapely.Polygon(poly)
        if not P.is_valid:  # self-intersecting: not supported (documented); VOT quadrilaterals are simple
            continue
        checked += 1
        R = shapely.box(rect[0], rect[1], rect[0] + rect[2], rect[1] + rect[3])
        expected = P.intersection(R).area / P.union(R).area
        assert region_overlap(poly.reshape(-1), rect) == pytest.approx(expected, abs=1e-9)
    assert checked > 250


def test_vot_anno_to_rect():
    assert vot_anno_to_rect([10, 20, 30, 20, 30, 60, 10, 60]) == pytest.approx([10, 20, 21, 41])
    s = np.sqrt(0.5)  # diamond: |p1-p2| * |p2-p3| = 200, box 400
    w = 20 * s + 1
    assert vot_anno_to_rect([10, 0, 20, 10, 10, 20, 0, 10]) == pytest.approx([10 - (w - 1) / 2, 10 - (w - 1) / 2, w, w])
    assert vot_anno_to_rect([10, 0, 20, 10, 10, 20, 0, 10], 'union') == pytest.approx([0, 0, 20, 20])
    assert vot_anno_to_rect([1, 2, 3, 4]) == [1, 2, 3, 4]


# ----------------------------------------------------------------------------------------- protocol
class Scripted:
    """Returns the ground-truth box of the frame, except a far-away box at the frames in ``fail_at``."""

    def __init__(self, gt_boxes, fail_at):
        self.gt, self.fail_at = gt_boxes, set(fail_at)
        self.frame = None
        self.inits = []

    def initialize(self, image, info):
        self.frame = self._frame_of(info['init_bbox'])
        self.inits.append((self.frame, list(info['init_bbox'])))
        return {}

    def _frame_of(self, box):
        return self.current

    def track(self, image, info):
        assert 'previous_output' in info
        k = self.current
        if k in self.fail_at:
            return {'target_bbox': [-500, -500, 4, 4]}
        return {'target_bbox': list(self.gt[k])}


def moving_polys(n):
    polys = []
    for k in range(n):
        cx, cy = 30 + k, 40 + 0.5 * k
        a = 0.05 * k
        pts = [(cx + dx * np.cos(a) - dy * np.sin(a), cy + dx * np.sin(a) + dy * np.cos(a))
               for dx, dy in ((-10, -6), (10, -6), (10, 6), (-10, 6))]
        polys.append(np.array(pts).reshape(-1))
    return np.array(polys)


def test_reset_protocol_codes_reinit_and_files(tmp_path):
    n = 40
    polys = moving_polys(n)
    seq = Sequence('gen', ['f{}'.format(k) for k in range(n)], 'vot', np.zeros((n, 4)))
    seq.ground_truth_poly = polys
    gt_boxes = [vot_anno_to_rect(p, 'union') for p in polys]
    trk = Scripted(gt_boxes, fail_at=[7, 9, 20, 38])  # 9 falls in the skipped frames after 7

    def reader(path):
        trk.current = int(path[1:])
        return np.zeros((100, 120, 3), np.uint8)

    out = run_vot_sequence(trk, seq, 'preserve_area', image_reader=reader)
    codes = ['B' if isinstance(r, list) else r for r in out['results']]
    expected = ([1] + ['B'] * 6 + [2] + [0] * 4 + [1] + ['B'] * 7 + [2] + [0] * 4 + [1] + ['B'] * 12 + [2] + [0])
    assert codes == expected and len(codes) == n
    assert out['failures'] == [7, 20, 38] and out['init_frames'] == [0, 12, 25]
    assert [f for f, _ in trk.inits] == [0, 12, 25]
    for f, box in trk.inits:
        assert box == pytest.approx(vot_anno_to_rect(polys[f], 'preserve_area'))
    # burn-in: 10 frames from each init frame are excluded from the accuracy
    ov = vot_eao.trajectory_overlaps(out['results'], polys, bounds=(120, 100))
    acc = vot_eao.apply_burnin(out['results'], ov)
    # init 0 -> 0..9 (tracked 1..6 all in burn-in), init 12 -> 12..21 (tracked 13..19 all in burn-in),
    # init 25 -> 25..34: only 35..37 count
    assert np.isfinite(ov).nonzero()[0].tolist() == list(range(1, 7)) + list(range(13, 20)) + list(range(26, 38))
    assert np.isfinite(acc).nonzero()[0].tolist() == [35, 36, 37]

    res_path, time_path = save_vot_results(str(tmp_path), 'gen', out)
    assert res_path == os.path.join(str(tmp_path), 'baseline', 'gen', 'gen_001.txt')
    lines = open(res_path).read().splitlines()
    assert lines[0] == '1' and lines[7] == '2' and lines[8] == '0' and lines[1].count(',') == 3
    assert lines[1] == ','.join('{:.4f}'.format(v) for v in gt_boxes[1])
    back = load_vot_results(res_path)
    assert ['B' if isinstance(r, list) else r for r in back] == expected
    assert len(open(time_path).read().split()) == n


def make_vot_root(root, names, n=12, size=(48, 64)):
    rng = np.random.default_rng(0)
    poly = [20.0, 10.0, 40.0, 10.0, 40.0, 30.0, 20.0, 30.0]
    for name in names:
        d = os.path.join(root, name, 'color')
        os.makedirs(d)
        with open(os.path.join(root, name, 'groundtruth.txt'), 'w') as f:
            f.write(''.join(','.join(str(v) for v in poly) + '\n' for _ in range(n)))
        for k in range(1, n + 1):
            cv2.imwrite(os.path.join(d, '{:08d}.jpg'.format(k)), rng.integers(0, 255, size + (3,), np.uint8))
    return poly


def test_run_tracker_vot_hook_and_analysis(tmp_path, pytracking_local, capsys):
    from pytracking.evaluation.sequence_tables import read_name_list
    names = read_name_list('vot2018.txt')
    assert len(names) == 60
    root = str(tmp_path / 'vot')
    poly = make_vot_root(root, names)
    pytracking_local(vot_path=root, results_path=str(tmp_path / 'res'))
    from pytracking.run_tracker import main
    VOTScriptedTracker.INIT_LOG.clear()
    assert main(['eval_dummy.vottracker', 'eval_dummy.dummyparams', '--dataset', 'vot', '--sequence', names[0],
                 '--runid', '0']) == 0
    trk = Tracker('eval_dummy.vottracker', 'eval_dummy.dummyparams', 0)
    res_path, _ = vot_result_paths(trk.results_dir, names[0])
    assert res_path.endswith(os.path.join('dummyparams_000', 'baseline', names[0], names[0] + '_001.txt'))
    codes = [r if isinstance(r, int) else 'B' for r in load_vot_results(res_path)]
    # FAIL_AFTER=4: init 0, boxes 1..3, failure 4, skip 5..8, init 9, boxes 10, 11
    assert FAIL_AFTER == 4
    assert codes == [1, 'B', 'B', 'B', 2, 0, 0, 0, 0, 1, 'B', 'B']
    assert [box for _, box in VOTScriptedTracker.INIT_LOG] == [pytest.approx(vot_anno_to_rect(poly))] * 2
    assert VOTScriptedTracker.INIT_LOG[0][0] == (48, 64, 3)
    assert 'Lost: 1' in capsys.readouterr().out
    # complete results are skipped on a rerun
    summary = run_vot_dataset(SequenceList([s for s in _vot_sequences(names[:1])]), [trk])
    assert len(summary.skipped) == 1
    # OPE is still available
    assert main(['eval_dummy.vottracker', 'eval_dummy.dummyparams', '--dataset', 'vot', '--sequence', names[0],
                 '--vot_ope']) == 0
    assert os.path.isfile(os.path.join(Tracker('eval_dummy.vottracker', 'eval_dummy.dummyparams').results_dir,
                                       names[0] + '.txt'))
    # analysis of the written file: one failure in 12 frames
    scores = vot_eao.evaluate_vot([trk], _vot_sequences(names[:1]))
    assert scores[0]['lost'] == 1 and scores[0]['robustness'] == pytest.approx(100 / 12)
    assert np.isnan(scores[0]['accuracy'])  # frames 1..3 and 10..11 are all in the burn-in
    # the print_results CLI dispatches 'vot' to the VOT table (missing sequences -> error, exit status 1)
    from pytracking.analysis.print_results import main as pmain
    assert pmain(['eval_dummy.vottracker', 'eval_dummy.dummyparams', '--dataset', 'vot', '--runids', '0']) == 1
    assert pmain(['eval_dummy.vottracker', 'eval_dummy.dummyparams', '--dataset', 'vot', '--runids', '0',
                  '--skip_missing']) == 0
    assert 'EAO' in capsys.readouterr().out


def _vot_sequences(names):
    from pytracking.evaluation.votdataset import VOTDataset
    return VOTDataset(sequences=names).get_sequence_list()


# ----------------------------------------------------------------------------------------- EAO / AR
def _run(values, length, failure=None, reinit_gap=5, value_after=None):
    """Overlaps of a run: NaN at init frames / failure / skipped frames, ``values`` elsewhere."""
    ov = np.full(length, float(values))
    ov[0] = np.nan
    failures = []
    if failure is not None:
        ov[failure:failure + reinit_gap + 1] = np.nan  # failure frame, 4 skipped, init frame
        if value_after is not None:
            ov[failure + reinit_gap + 1:] = value_after
        failures = [failure]
    return ov, failures


def test_eao_no_failures_constant():
    eao, phi = vot_eao.compute_eao([[_run(0.7, 1000)]])
    assert eao == pytest.approx(0.7) and phi[0] == 1.0
    assert np.isnan(vot_eao.compute_eao([[_run(0.7, 80)]])[0])  # shorter than Ns = 100


def test_eao_hand_computed_failure_pattern():
    A = _run(0.8, 500)
    B = _run(0.5, 500, failure=50, value_after=0.5)
    eao, phi = vot_eao.compute_eao([[A], [B]])

    def phi_hand(i):  # fragments: A (0.8), B[0..50] padded with zeros, B[50..499] (5 zeros, then 0.5)
        return (0.8 + 0.5 * 49 / i + 0.5 * (i - 5) / i) / 3

    assert phi[150] == pytest.approx(phi_hand(150))
    expected = np.mean([phi_hand(i) for i in range(99, 356)])  # Ns = i + 1 in [100, 356]
    assert eao == pytest.approx(expected, rel=1e-12)

    # multi-run averaging: B has a second run without failure; each run of B weighs 1/2
    B2 = _run(0.5, 500)
    eao2, _ = vot_eao.compute_eao([[A], [B, B2]])

    def phi_hand2(i):
        return (1.0 * 0.8 + 0.5 * (0.5 * 49 / i) + 0.5 * (0.5 * (i - 5) / i) + 0.5 * 0.5) / 2.5

    assert eao2 == pytest.approx(np.mean([phi_hand2(i) for i in range(99, 356)]), rel=1e-12)


def test_eao_failure_at_start_of_interval_and_short_interval():
    # one 400-frame run failing at frame 200: head fragment 0..200 (padded with zeros), tail fragment 200..399
    # (length 200: failure, 4 skipped, init -> 5 zeros, then 1.0); the tail reaches only i < 200
    R = _run(1.0, 400, failure=200, value_after=1.0)
    eao, phi = vot_eao.compute_eao([[R]])
    for i in (120, 199):
        assert phi[i] == pytest.approx((1.0 + (i - 5) / i) / 2)
    for i in (200, 300, 355):
        assert phi[i] == pytest.approx(199 / i)
    hand = [(1.0 + (i - 5) / i) / 2 if i < 200 else 199 / i for i in range(99, 356)]
    assert eao == pytest.approx(np.mean(hand), rel=1e-12)


def _write_vot(trk, name, entries):
    path, _ = vot_result_paths(trk.results_dir, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        for e in entries:
            f.write((str(e) if isinstance(e, int) else ','.join(str(v) for v in e)) + '\n')


def test_accuracy_robustness_eao_from_files(tmp_path, pytracking_local, capsys):
    pytracking_local(results_path=str(tmp_path / 'res'))
    seqs = []
    for name in ('s1', 's2'):
        s = Sequence(name, ['/nonexistent/{}.jpg'.format(k) for k in range(30)], 'vot', np.zeros((30, 4)))
        s.ground_truth_poly = np.array([SQUARE] * 30, dtype=float)
        seqs.append(s)
    runs = trackerlist('vt', 'p', [0, 1])
    half, eight, full = [0, 0, 10, 5], [0, 0, 10, 8], [0, 0, 10, 10]
    _write_vot(runs[0], 's1', [1] + [half] * 29)
    _write_vot(runs[1], 's1', [1] + [half] * 4 + [2] + [0] * 4 + [1] + [eight] * 19)
    _write_vot(runs[0], 's2', [1] + [full] * 29)
    _write_vot(runs[1], 's2', [1] + [full] * 29)
    res = vot_eao.print_vot_results(runs, seqs, interval=(2, 5))[0]
    # accuracy: s1 frames 10..19 only run 0 (0.5), frames 20..29 both (0.65); s2 frames 10..29 at 1.0
    assert res['accuracy'] == pytest.approx((10 * 0.5 + 10 * 0.65 + 20 * 1.0) / 40)
    assert res['per_sequence']['s1']['accuracy'] == pytest.approx((10 * 0.5 + 10 * 0.65) / 20)
    assert res['lost'] == pytest.approx(0.5) and res['robustness'] == pytest.approx(100 * 0.5 / 60)
    # EAO over Ns 2..5 (i = 1..4): fragments (weight 1/2 each) s1r0 0.5, s1r1 head 0.5, s1r1 tail 0, s2 1, 1
    assert res['eao'] == pytest.approx((0.5 + 0.5 + 0 + 1 + 1) / 5)
    assert np.isnan(vot_eao.evaluate_vot(runs, seqs)[0]['eao'])  # 30 frames < Ns 100
    # a second repetition file in the same folder counts as another run
    path, _ = vot_result_paths(runs[0].results_dir, 's2')
    with open(path) as f:
        text = f.read()
    with open(path.replace('_001.txt', '_002.txt'), 'w') as f:
        f.write(text)
    assert vot_eao.evaluate_vot(runs, seqs)[0]['num_runs'] == [2, 3]
    assert 'EAO' in capsys.readouterr().out
