"""Motion-gated peak selection (not official, ``peak_selection='motion'``): pytracking/tracker/fcot/motion.py."""
import itertools
import math

import pytest
import torch

from pytracking.tracker.fcot import localization as loc
from pytracking.tracker.fcot import motion


def blobs(size, *peaks, sigma=1.2):
    """``(size, size)`` map: a Gaussian blob of height ``v`` at each ``((row, col), v)``."""
    r = torch.arange(size, dtype=torch.float32)[:, None]
    c = torch.arange(size, dtype=torch.float32)[None, :]
    s = torch.zeros(size, size)
    for (pr, pc), v in peaks:
        s = torch.maximum(s, v * torch.exp(-((r - pr) ** 2 + (c - pc) ** 2) / (2 * sigma ** 2)))
    return s


def reference_choice(s, target, ratio, nms):
    """Loop-based reference: local maxima (>= every neighbour within nms // 2), score >= ratio * max or the max,
    nearest to target, ties to the higher score then the first in row-major order."""
    h, w = s.shape
    k, top, best = nms // 2, float(s.max()), None
    for i, j in itertools.product(range(h), range(w)):
        v = float(s[i, j])
        window = s[max(i - k, 0):i + k + 1, max(j - k, 0):j + k + 1]
        if not ((v >= float(window.max()) and v >= ratio * top) or v == top):
            continue
        key = ((i - target[0]) ** 2 + (j - target[1]) ** 2, -v)
        if best is None or key < best[0]:
            best = (key, (i, j))
    return best[1]


def test_near_lower_peak_wins_within_ratio():
    s = blobs(24, ((5, 18), 1.0), ((12, 12), 0.8))
    near = motion.select_peak_near(s, torch.tensor([11.5, 11.5]), ratio=0.6)
    assert near.peak.tolist() == [12, 12] and near.switched and near.num_candidates == 2
    assert float(near.score) == pytest.approx(0.8)
    # the lower peak fails a stricter ratio: the highest peak stays, not switched
    strict = motion.select_peak_near(s, torch.tensor([11.5, 11.5]), ratio=0.9)
    assert strict.peak.tolist() == [5, 18] and not strict.switched and strict.num_candidates == 1
    # a prediction next to the highest peak keeps it
    far = motion.select_peak_near(s, torch.tensor([5.0, 17.0]), ratio=0.6)
    assert far.peak.tolist() == [5, 18] and not far.switched


def test_matches_loop_reference_on_random_maps():
    g = torch.Generator().manual_seed(3)
    for trial in range(40):
        s = torch.rand(13, 11, generator=g)
        target = (torch.rand(2, generator=g) * torch.tensor([16.0, 14.0]) - 1.5).tolist()
        ratio = [0.3, 0.6, 0.9][trial % 3]
        nms = [1, 3, 5][trial % 3]
        got = motion.select_peak_near(s, torch.tensor(target), ratio, nms)
        assert tuple(got.peak.tolist()) == reference_choice(s, target, ratio, nms), (trial, target, ratio, nms)
        assert float(got.score) == float(s[got.peak[0], got.peak[1]])
        assert got.switched == bool(float(got.score) < float(s.max()))


def test_plateau_of_the_maximum_is_never_switched():
    s = torch.zeros(9, 9)
    s[2, 2] = s[6, 6] = 1.0
    got = motion.select_peak_near(s, torch.tensor([6.0, 5.0]), ratio=0.5)
    assert got.peak.tolist() == [6, 6] and not got.switched


def test_prediction_and_cell_mapping():
    pos, prev = torch.tensor([100.0, 50.0]), torch.tensor([90.0, 56.0])
    assert motion.predict_position(pos, prev, 1.0).tolist() == [110.0, 44.0]
    assert motion.predict_position(pos, prev, 0.5).tolist() == [105.0, 47.0]
    assert motion.predict_position(pos, prev, 0.0).tolist() == [100.0, 50.0]
    with pytest.raises(ValueError, match='motion_velocity_rate'):
        motion.predict_position(pos, prev, 1.5)
    # a cell maps back to the image position the tracker derives from it (translation_vector): round trip
    sample_pos, scale, size = torch.tensor([120.0, 80.0]), 1.25, 24
    cell_px = scale * 96 / size
    cell = motion.position_to_cell(torch.tensor([131.0, 62.0]), sample_pos, cell_px, (size, size))
    disp = cell - (size - 1) / 2
    back = sample_pos + loc.translation_vector(disp, torch.tensor(scale), 96, size)
    assert back.tolist() == pytest.approx([131.0, 62.0], abs=1e-4)
    assert cell.tolist() == pytest.approx([11.5 + 11 / 5, 11.5 - 18 / 5])


@pytest.mark.parametrize('kw, match', [(dict(ratio=0.0), 'peak_gate_ratio'), (dict(nms_size=4), 'peak_gate_nms'),
                                       (dict(nms_size=0), 'peak_gate_nms')])
def test_bad_settings_are_rejected(kw, match):
    args = dict(ratio=0.6, nms_size=3)
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        motion.select_peak_near(torch.rand(8, 8), torch.tensor([3.0, 3.0]), **args)


def test_rejects_batched_maps():
    with pytest.raises(ValueError, match='single'):
        motion.select_peak_near(torch.rand(2, 8, 8), torch.tensor([3.0, 3.0]), 0.6)
