"""FCOT score fusion, advanced localization, box decoding, iou_select and state geometry (spec §4.1, §4.3, §4.4)."""
import math
from types import SimpleNamespace

import pytest
import torch

from pytracking.libs.dcf import fcot_hann2d
from pytracking.tracker.fcot import localization as loc
from pytracking.tracker.fcot import state as st


def lasot_params(**kw):
    p = SimpleNamespace(target_not_found_threshold=0.25, distractor_threshold=0.6, hard_negative_threshold=0.5,
                        target_neighborhood_scale=2.2, dispalcement_scale=0.8)
    for k, v in kw.items():
        setattr(p, k, v)
    return p


def otb_params():
    return SimpleNamespace(target_not_found_threshold=0.0, distractor_threshold=100, hard_negative_threshold=0.45,
                           target_neighborhood_scale=2.2, dispalcement_scale=0.7)


def score_map(*peaks, base=0.0):
    s = torch.full((72, 72), base)
    for (r, c), v in peaks:
        s[r, c] = v
    return s


TSZ = torch.tensor([40., 40.])     # with scale 1: neighbourhood 2.2 * 40 / 4 = 22 cells
ONE = torch.tensor(1.0)


# ------------------------------------------------------------------------------------------- fusion
def test_fuse_scores_index_mapping():
    s18 = torch.arange(19 * 19, dtype=torch.float32).view(1, 1, 19, 19)
    s72 = torch.arange(73 * 73, dtype=torch.float32).view(1, 1, 73, 73)
    up18 = loc.fuse_scores(s18, s72, 1.0, 0.0)
    assert up18.shape == (1, 1, 72, 72)
    src = torch.tensor([(i * 19) // 72 for i in range(72)])
    assert torch.equal(up18[0, 0], s18[0, 0][src][:, src])
    assert src[-1].item() == 18 and src[4].item() == 1 and src[3].item() == 0
    up72 = loc.fuse_scores(s18, s72, 0.0, 1.0)
    assert torch.equal(up72, s72[..., :72, :72])          # last row/col dropped
    fused = loc.fuse_scores(s18, s72, 0.6, 0.4)
    expected = 0.6 * s18[0, 0][src][:, src] + 0.4 * s72[0, 0, :72, :72]   # independent of fuse_scores
    assert torch.allclose(fused[0, 0], expected)
    with pytest.raises(ValueError):
        loc.fuse_scores(s18[0], s72, 1, 1)


# ------------------------------------------------------------------------------------- localization
def test_not_found():
    s = score_map(((30, 40), 0.2), base=0.05)
    r = loc.localize_advanced(s, TSZ, ONE, lasot_params())
    assert r.flag == 'not_found' and r.peak.tolist() == [30, 40]
    assert r.disp.tolist() == [-5.5, 4.5] and abs(r.max_score.item() - 0.2) < 1e-7


def test_normal_single_peak():
    s = score_map(((35, 36), 1.0))
    r = loc.localize_advanced(s.view(1, 1, 72, 72), TSZ, ONE, lasot_params())
    assert r.flag == 'normal' and r.peak.tolist() == [35, 36] and r.disp.tolist() == [-0.5, 0.5]
    assert r.max_score.item() == 1.0


def test_neighbourhood_bounds_exact():
    # p1 = (35, 36), n = 22: rows round(35 - 11) = 24 .. round(35 + 11 + 1) = 47 (exclusive) zeroed
    inside = score_map(((35, 36), 1.0), ((46, 36), 0.55))
    assert loc.localize_advanced(inside, TSZ, ONE, lasot_params()).flag == 'normal'
    outside = score_map(((35, 36), 1.0), ((47, 36), 0.55))
    assert loc.localize_advanced(outside, TSZ, ONE, lasot_params()).flag == 'hard_negative'
    above = score_map(((35, 36), 1.0), ((23, 36), 0.55))
    assert loc.localize_advanced(above, TSZ, ONE, lasot_params()).flag == 'hard_negative'
    at_top = score_map(((35, 36), 1.0), ((24, 36), 0.55))
    assert loc.localize_advanced(at_top, TSZ, ONE, lasot_params()).flag == 'normal'


def test_neighbourhood_uses_python_round_half_even():
    # n = 1.0 * 36 / 1 * 72/288 = 9 cells: p1 = (35, 35) gives round(30.5) = 30 and round(40.5) = 40
    p = lasot_params(target_neighborhood_scale=1.0)
    tsz = torch.tensor([36., 36.])
    row30 = score_map(((35, 35), 1.0), ((30, 35), 0.55))
    assert loc.localize_advanced(row30, tsz, ONE, p).flag == 'normal'          # half-up would keep row 30
    row40 = score_map(((35, 35), 1.0), ((40, 35), 0.55))
    assert loc.localize_advanced(row40, tsz, ONE, p).flag == 'hard_negative'   # half-up would zero row 40
    col30 = score_map(((35, 35), 1.0), ((35, 30), 0.55))
    assert loc.localize_advanced(col30, tsz, ONE, p).flag == 'normal'


def test_neighbourhood_scales_with_sample_scale():
    # scale 2 halves the neighbourhood (11 cells): rows round(35-5.5)=30 (half-even of 29.5) .. round(41.5)=42
    s = score_map(((35, 36), 1.0), ((43, 36), 0.55))
    assert loc.localize_advanced(s, TSZ, torch.tensor(2.0), lasot_params()).flag == 'hard_negative'
    s = score_map(((35, 36), 1.0), ((41, 36), 0.55))
    assert loc.localize_advanced(s, TSZ, 2.0, lasot_params()).flag == 'normal'


def test_hard_negative_keep_first_peak():
    # distractor: m2 = 0.8 > 0.6 m1, d1 = |(0.5, 0.5)| < 28.8 cells, d2 = |(34.5, 34.5)| > 28.8
    s = score_map(((36, 36), 1.0), ((70, 70), 0.8))
    r = loc.localize_advanced(s, TSZ, ONE, lasot_params())
    assert r.flag == 'hard_negative' and r.peak.tolist() == [36, 36] and r.max_score.item() == 1.0


def test_hard_negative_switch_to_second_peak():
    # p1 far from the centre (d1 = 47.4 > 28.8), p2 close (d2 = |(4.5, 2.5)|): switch to p2
    s = score_map(((2, 2), 1.0), ((40, 38), 0.9))
    r = loc.localize_advanced(s, TSZ, ONE, lasot_params())
    assert r.flag == 'hard_negative'
    assert r.peak.tolist() == [40, 38] and r.disp.tolist() == [4.5, 2.5]
    assert abs(r.max_score.item() - 0.9) < 1e-7


def test_uncertain_both_close_or_both_far():
    close = score_map(((36, 36), 1.0), ((36, 50), 0.9))
    r = loc.localize_advanced(close, TSZ, ONE, lasot_params())
    assert r.flag == 'uncertain' and r.peak.tolist() == [36, 36]
    far = score_map(((0, 0), 1.0), ((71, 71), 0.9))
    r = loc.localize_advanced(far, TSZ, ONE, lasot_params())
    assert r.flag == 'uncertain' and r.peak.tolist() == [0, 0]


def test_displacement_threshold_uses_dispalcement_scale():
    # d2 = |(14.5, 0.5)| ~ 14.51 cells: uncertain with scale 0.8 (thr 28.8), hard_negative with 0.3 (thr 10.8)
    s = score_map(((36, 36), 1.0), ((50, 36), 0.9))
    assert loc.localize_advanced(s, TSZ, ONE, lasot_params()).flag == 'uncertain'
    assert loc.localize_advanced(s, TSZ, ONE, lasot_params(dispalcement_scale=0.3)).flag == 'hard_negative'


def test_hard_negative_threshold_path_needs_score_above_not_found():
    s = score_map(((36, 36), 1.0), ((70, 70), 0.55))
    assert loc.localize_advanced(s, TSZ, ONE, lasot_params()).flag == 'hard_negative'
    assert loc.localize_advanced(s, TSZ, ONE, lasot_params(target_not_found_threshold=0.6)).flag == 'normal'


def test_window_applies_to_first_peak_only():
    # raw: 1.0 at a corner, 0.5 at the centre; windowed the centre wins with 0.5 * 0.16 = 0.08
    s = score_map(((5, 5), 1.0), ((36, 36), 0.5))
    w = fcot_hann2d(72)
    r = loc.localize_advanced(s, TSZ, ONE, otb_params(), window=w)
    assert r.peak.tolist() == [36, 36]
    assert abs(r.max_score.item() - 0.08) < 1e-7
    # the second peak is the raw corner (1.0 > 0.45 * 0.08) -> hard_negative
    assert r.flag == 'hard_negative'
    assert loc.localize_advanced(s, TSZ, ONE, otb_params()).peak.tolist() == [5, 5]
    assert torch.equal(s, score_map(((5, 5), 1.0), ((36, 36), 0.5)))   # input untouched


def test_missing_param_is_reported():
    p = lasot_params()
    del p.dispalcement_scale
    with pytest.raises(AttributeError, match='dispalcement_scale'):
        loc.localize_advanced(score_map(((36, 36), 1.0)), TSZ, ONE, p)


def test_translation_vector():
    t = loc.translation_vector(torch.tensor([4.5, -2.5]), torch.tensor(1.5))
    assert t.tolist() == [27.0, -15.0]


# ------------------------------------------------------------------------------------------- decode
def test_decode_box_hand_computed():
    reg = torch.zeros(4, 72, 72)
    reg[:, 10, 20] = torch.tensor([3., 5., 2., 4.])       # l, r, t, b in cells
    box = loc.decode_box(reg, torch.tensor([10, 20]), torch.tensor([100., 200.]), 1.5, (480, 640))
    # l = 3*4*1.5 = 18, r = 30, t = 12, b = 24 -> (y0, x0, y1, x1)
    assert box.tolist() == [88., 182., 124., 230.]
    reg[:, 10, 20] = torch.tensor([-3., 5., 2., -4.])     # ReLU
    box = loc.decode_box(reg.unsqueeze(0), (10, 20), (100., 200.), 1.5, (480, 640))
    assert box.tolist() == [88., 200., 100., 230.]


def test_decode_box_clamp_same_bound_both_axes():
    reg = torch.zeros(4, 72, 72)
    reg[:, 0, 0] = torch.tensor([3., 5., 2., 6.])
    box = loc.decode_box(reg, (0, 0), (5., 290.), 1.0, (100, 300))
    # y0 = 5 - 8 -> 1; y1 = 5 + 24 = 29; x1 = 290 + 20 = 310 -> 300 (= max(H, W))
    assert box.tolist() == [1., 278., 29., 300.]
    box = loc.decode_box(reg, (0, 0), (95., 100.), 1.0, (100, 300))
    assert box[2].item() == 119.   # beyond H = 100 but below max(H, W): kept (quirk)
    with pytest.raises(ValueError):
        loc.decode_box(reg, (72, 0), (5., 5.), 1.0, (100, 300))


# ------------------------------------------------------------------------------------- training box
def test_get_training_box_hand_computed():
    box = loc.get_training_box(torch.tensor([100., 200.]), torch.tensor([40., 60.]),
                               torch.tensor([90., 210.]), torch.tensor(2.0))
    # centre = (5, -5) + 143.5 = (148.5, 138.5); size (20, 30); top-left = centre - (size-1)/2
    assert box.tolist() == [124., 139., 30., 20.]
    centred = loc.get_training_box(torch.tensor([50., 60.]), torch.tensor([11., 21.]),
                                   torch.tensor([50., 60.]), 1.0)
    assert centred.tolist() == [143.5 - 10, 143.5 - 5, 21., 11.]


# ------------------------------------------------------------------------------------------ iou select
def test_box_iou_signed_quirk():
    a = torch.tensor([0., 0., 10., 10.])
    assert loc.box_iou_signed(a, a).item() == 1.0
    assert abs(loc.box_iou_signed(a, torch.tensor([0., 5., 10., 15.])).item() - 50 / 150) < 1e-7
    # disjoint along both axes: (-10) * (-10) = +100 "intersection" -> IoU 1
    assert loc.box_iou_signed(a, torch.tensor([20., 20., 30., 30.])).item() == 1.0
    # disjoint along one axis: negative intersection
    assert abs(loc.box_iou_signed(a, torch.tensor([0., 20., 10., 30.])).item() + 1 / 3) < 1e-7


def test_iou_select_flag_changes():
    a = torch.tensor([0., 0., 10., 10.])
    far_one_axis = torch.tensor([0., 20., 10., 30.])
    assert loc.iou_select(far_one_axis, a, 'normal') == 'uncertain'
    assert loc.iou_select(far_one_axis, a, 'hard_negative') == 'not_found'
    assert loc.iou_select(far_one_axis, a, 'uncertain') == 'not_found'
    assert loc.iou_select(far_one_axis, a, 'not_found') == 'not_found'
    assert loc.iou_select(torch.tensor([20., 20., 30., 30.]), a, 'normal') == 'normal'   # quirk: IoU 1
    # small overlaps: IoU 0.04 -> changed, 0.06 -> unchanged (thin 10 x k strips of a 10x10 box)
    b4 = torch.tensor([0., 10 - 10 * 0.08 / 1.04, 10., 20 - 10 * 0.08 / 1.04])
    assert abs(loc.box_iou_signed(b4, a).item() - 0.04) < 1e-5 and loc.iou_select(b4, a, 'normal') == 'uncertain'
    b6 = torch.tensor([0., 10 - 10 * 0.12 / 1.06, 10., 20 - 10 * 0.12 / 1.06])
    assert abs(loc.box_iou_signed(b6, a).item() - 0.06) < 1e-5 and loc.iou_select(b6, a, 'normal') == 'normal'
    with pytest.raises(ValueError, match='unknown flag'):
        loc.iou_select(a, a, 'lost')


# ------------------------------------------------------------------------------------------------ state
def test_init_state_and_scale_bounds():
    pos, tsz, prev = st.init_state([10., 20., 60., 40.])
    assert pos.tolist() == [20 + 19.5, 10 + 29.5] and tsz.tolist() == [40., 60.]
    assert prev.tolist() == [20., 10., 60., 70.]
    b = st.scale_bounds(tsz, 4.5, (480, 640))
    ts = math.sqrt(40 * 60) * 4.5 / 288
    assert abs(b.target_scale.item() - ts) < 1e-6
    assert torch.allclose(b.base_target_sz, torch.tensor([40 / ts, 60 / ts]))
    assert abs(b.min_scale_factor.item() - 10 / (40 / ts)) < 1e-6
    assert abs(b.max_scale_factor.item() - min(480 / (40 / ts), 640 / (60 / ts))) < 1e-5


def test_sample_geometry_state_update_and_boxes():
    sp, ss = st.sample_geometry(torch.tensor([[10, 20, 298, 596]]))
    assert sp.tolist() == [153.5, 307.5] and abs(ss.item() - math.sqrt(1 * 2)) < 1e-6
    pos, tsz = st.state_from_box(torch.tensor([88., 182., 124., 230.]))
    assert pos.tolist() == [106., 206.] and tsz.tolist() == [36., 48.]
    base = torch.tensor([20., 30.])
    scale = st.update_target_scale(tsz, base, torch.tensor(0.5), torch.tensor(10.))
    assert abs(scale.item() - math.sqrt(36 * 48 / 600)) < 1e-6
    assert st.update_target_scale(tsz, base, torch.tensor(0.5), torch.tensor(1.5)).item() == 1.5
    assert st.update_target_scale(tsz, base, torch.tensor(3.), torch.tensor(10.)).item() == 3.0
    assert st.output_box(pos, tsz).tolist() == [206 - 23.5, 106 - 17.5, 48., 36.]
    assert st.state_to_box(pos, tsz).tolist() == [106 - 17.5, 206 - 23.5, 106 + 17.5, 206 + 23.5]
