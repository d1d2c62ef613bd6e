"""Template-verified peak selection (not official, ``peak_selection='template'``): pytracking/tracker/fcot/template.py."""
import pytest
import torch

from pytracking.tracker.fcot import localization as loc
from pytracking.tracker.fcot import template


def test_box_patches_sample_bilinearly_at_pixel_centres():
    # value = column index, so a bin's value is the mean column of its 2 x 2 samples (pixel i is centred at i + 0.5)
    image = torch.arange(20, dtype=torch.float32).repeat(3, 16, 1)[None]        # (1, 3, 16, 20)
    p = template.box_patches(image, torch.tensor([[2.0, 3.0, 10.0, 11.0]]), 4)
    assert p.shape == (1, 3, 4, 4)
    expected = torch.tensor([2.5 + 2 * j for j in range(4)])
    assert torch.allclose(p[0, 1], expected.expand(4, 4), atol=1e-5)
    with pytest.raises(ValueError, match='template_size'):
        template.box_patches(image, torch.tensor([[2.0, 3.0, 10.0, 11.0]]), 1)


def test_ncc_ignores_brightness_and_contrast():
    g = torch.Generator().manual_seed(0)
    a = torch.rand(1, 3, 8, 8, generator=g)
    b = torch.rand(1, 3, 8, 8, generator=g)
    na, na2, nb = template.normalise_patches(torch.cat((a, 0.3 * a + 40.0, b))).unbind(0)
    assert float(na @ na) == pytest.approx(1.0, abs=1e-5)
    assert float(na @ na2) == pytest.approx(1.0, abs=1e-5)       # 0.3 * a + 40 matches a exactly
    assert abs(float(na @ nb)) < 0.3                              # an unrelated patch does not
    flat = template.normalise_patches(torch.full((1, 3, 4, 4), 7.0))
    assert torch.count_nonzero(flat) == 0                          # a flat patch matches nothing


def test_candidate_centres_match_decode_box():
    g = torch.Generator().manual_seed(1)
    reg = torch.randn(4, 24, 24, generator=g)
    peaks = torch.tensor([[3, 20], [12, 12], [23, 0]])
    sample_pos, scale, stride = torch.tensor([150.0, 210.0]), torch.tensor(1.7), 4.0
    got = template.candidate_centres(reg, peaks, sample_pos, scale, stride)
    for k, peak in enumerate(peaks):
        disp = peak.float() - 11.5
        new_pos = sample_pos + loc.translation_vector(disp, scale, 96, 24)
        y0, x0, y1, x1 = loc.decode_box(reg, peak, new_pos, scale, (1000, 1000), stride=stride)
        assert got[k].tolist() == pytest.approx([float(y0 + y1) / 2, float(x0 + x1) / 2], abs=1e-4)


def test_centred_boxes_round_trip_the_output_box_convention():
    # pos (row, col) with the "-1" convention and size (h, w): the box [x, y, w, h] = [pos_x - (w-1)/2, ...]
    boxes = template.centred_boxes(torch.tensor([[20.0, 30.0]]), torch.tensor([10.0, 6.0]))
    assert boxes.tolist() == [[30 - 2.5, 20 - 4.5, 30 - 2.5 + 6, 20 - 4.5 + 10]]


def textured_frame():
    """(1, 3, 96, 96) frame with two different random textures: A at rows/cols 20..35, B at 56..71 x 56..71."""
    g = torch.Generator().manual_seed(2)
    image = torch.full((1, 3, 96, 96), 128.0)
    a = torch.rand(1, 3, 16, 16, generator=g) * 255
    b = torch.rand(1, 3, 16, 16, generator=g) * 255
    image[..., 20:36, 20:36] = a
    image[..., 56:72, 56:72] = b
    return image, a


def test_the_candidate_that_looks_like_the_template_wins():
    image, a = textured_frame()
    tmpl = template.normalise_patches(template.box_patches(image, torch.tensor([[20.0, 20.0, 36.0, 36.0]]), 16))[0]
    # 24-cell map over the whole frame (sample_pos = image centre 47.5, scale 1, stride 4): target A centred at
    # pixel 27.5 -> cell 11.5 + (27.5 - 47.5) / 4 = 6.5; look-alike B at 63.5 -> cell 15.5
    scores = torch.zeros(24, 24)
    scores[15, 15] = 1.0
    scores[6, 6] = 0.8
    reg = torch.zeros(4, 24, 24)
    reg[:, 6, 6] = torch.tensor([0.0, 1.0, 0.0, 1.0])      # (l, r, t, b) cells: box centre 2 px right and down
    args = (reg, image, tmpl, torch.tensor([16.0, 16.0]), torch.tensor([47.5, 47.5]), torch.tensor(1.0), 4.0)
    # regions exactly on A (NCC 1) and 2 px off B: A wins without any shift search
    got = template.select_peak_by_template(scores, *args, ratio=0.6, search=0)
    assert got.peak.tolist() == [6, 6] and got.switched and got.num_candidates == 2
    assert float(got.score) == pytest.approx(0.8)
    # A's NCC (1.0) beats B's by less than a margin of 1.5: the highest peak stays
    ncc_b = float(template.best_shift_ncc(image, torch.tensor([[54.0, 54.0, 70.0, 70.0]]), tmpl, 16, 1)[0])
    assert ncc_b < 0.5
    assert not template.select_peak_by_template(scores, *args, ratio=0.6, margin=1.5).switched
    assert template.select_peak_by_template(scores, *args, ratio=0.6, margin=0.9 - ncc_b).switched
    # a stricter ratio leaves the look-alike alone
    kept = template.select_peak_by_template(scores, *args, ratio=0.9)
    assert kept.peak.tolist() == [15, 15] and not kept.switched and kept.num_candidates == 1
    # with the template of B, B is kept although A is a candidate
    tmpl_b = template.normalise_patches(template.box_patches(image, torch.tensor([[56.0, 56.0, 72.0, 72.0]]), 16))[0]
    b = template.select_peak_by_template(scores, reg, image, tmpl_b, *args[3:], ratio=0.6)
    assert b.peak.tolist() == [15, 15] and not b.switched


def test_shift_search_finds_an_offset_target():
    """A region one bin off the target (2 px: a 16-px box sampled at size 8) matches only with the shift search,
    which then gives the aligned region's NCC, and equals the best of the 9 shifted regions compared one by one."""
    image, a = textured_frame()
    size = 8
    aligned = torch.tensor([[20.0, 20.0, 36.0, 36.0]])
    tmpl = template.normalise_patches(template.box_patches(image, aligned, size))[0]
    off = aligned + torch.tensor([[2.0, -2.0, 2.0, -2.0]])           # one 2-px bin right, one bin up
    no_search = template.best_shift_ncc(image, off, tmpl, size, 0)
    searched = template.best_shift_ncc(image, torch.cat((off, aligned)), tmpl, size, 1)
    assert float(no_search[0]) < 0.7
    assert searched.tolist() == pytest.approx([1.0, 1.0], abs=1e-5)
    # brute force over the 9 shifts agrees
    shifts = [template.best_shift_ncc(image, off + torch.tensor([[dx, dy, dx, dy]]), tmpl, size, 0)
              for dx in (-2.0, 0.0, 2.0) for dy in (-2.0, 0.0, 2.0)]
    assert float(searched[0]) == pytest.approx(float(torch.cat(shifts).max()), abs=1e-5)
    with pytest.raises(ValueError, match='template_search'):
        template.best_shift_ncc(image, off, tmpl, size, -1)
