"""Motion-gated peak selection (not official; ``peak_selection='motion'``, default ``'official'``).

Why: FCOT-tiny tracks on a small search region (24 x 24 score cells), where the official advanced localization's
target neighbourhood (``target_neighborhood_scale = 2.2`` target sizes around the first peak) covers most of the
map. When a look-alike (e.g. another region of the target's own photograph) scores highest, the true target usually
lies inside that neighbourhood, is masked out with it, and the official distractor test never sees it. This gate
looks at every local maximum instead: among those scoring at least ``motion_gate_ratio`` times the highest one, it
takes the one nearest the position that constant-velocity motion predicts.

Conventions as in :mod:`pytracking.tracker.fcot.localization`: score maps ``(H, W)`` indexed ``(row, col)``; positions
``(row, col) = (y, x)``; the score centre ``(H - 1) / 2, (W - 1) / 2`` is the sample position ``sample_pos``; one cell
is ``cell_px`` image pixels.
"""
from typing import NamedTuple

import torch
import torch.nn.functional as F

__all__ = ['PEAK_SELECTIONS', 'SWITCH_FLAGS', 'MotionPeak', 'predict_position', 'position_to_cell', 'select_peak_near']

#: Allowed values of the tracker parameter ``peak_selection``.
PEAK_SELECTIONS = ('official', 'motion')
#: Allowed values of ``motion_switch_flag``, the flag of a frame where the gate overrode the highest peak
#: ('hard_negative': learn from it at ``hard_negative_learning_rate``, as the official switch to a second peak does;
#: 'uncertain': no model update; 'normal': the usual schedule).
SWITCH_FLAGS = ('hard_negative', 'uncertain', 'normal')


class MotionPeak(NamedTuple):
    """Result of :func:`select_peak_near`.

    peak: ``(2,)`` int64 (row, col) of the chosen local maximum.
    score: 0-dim float32, its score.
    switched: whether it scores below the global maximum (the gate overrode the highest peak).
    num_candidates: how many local maxima passed the ratio test.
    """
    peak: torch.Tensor
    score: torch.Tensor
    switched: bool
    num_candidates: int


def predict_position(position: torch.Tensor, previous: torch.Tensor, velocity_rate: float) -> torch.Tensor:
    """Constant-velocity prediction ``position + velocity_rate * (position - previous)``, ``(2,)`` image pixels.

    ``velocity_rate = 0`` predicts no motion (the last position), ``1`` full constant velocity."""
    if not 0.0 <= float(velocity_rate) <= 1.0:
        raise ValueError(f"motion_velocity_rate must be in [0, 1], got {velocity_rate}")
    position = torch.as_tensor(position, dtype=torch.float32).reshape(2)
    previous = torch.as_tensor(previous, dtype=torch.float32).reshape(2)
    return position + float(velocity_rate) * (position - previous)


def position_to_cell(position, sample_pos, cell_px, map_hw) -> torch.Tensor:
    """Image position ``(2,)`` (row, col) -> fractional score-map cell ``(2,)`` (row, col):
    ``(H - 1, W - 1) / 2 + (position - sample_pos) / cell_px`` (may lie outside the map)."""
    centre = (torch.tensor([float(map_hw[0]), float(map_hw[1])]) - 1) / 2
    offset = (torch.as_tensor(position, dtype=torch.float32).reshape(2)
              - torch.as_tensor(sample_pos, dtype=torch.float32).reshape(2)) / torch.as_tensor(cell_px,
                                                                                             dtype=torch.float32)
    return centre + offset


def select_peak_near(scores: torch.Tensor, target_cell: torch.Tensor, ratio: float, nms_size: int = 3) -> MotionPeak:
    """The local maximum nearest ``target_cell`` among those scoring ``>= ratio * max(scores)``.

    A cell is a local maximum when it equals the maximum of its ``nms_size x nms_size`` neighbourhood (odd size,
    no padding beyond the map). The global maximum always qualifies, so with ``ratio > 1`` (or a single candidate)
    the result is the global maximum. Ties in distance go to the higher score. No Python loop over cells.

    Args:
        scores: ``(H, W)`` score map (leading singleton dims allowed).
        target_cell: ``(2,)`` fractional (row, col) cell, e.g. from :func:`position_to_cell`.
        ratio: candidates score at least ``ratio`` times the maximum, in ``(0, 1]`` to have any effect.
        nms_size: odd neighbourhood size of the local-maximum test, ``>= 1``.
    Returns:
        :class:`MotionPeak` (on the host).
    """
    scores = scores.detach()
    while scores.dim() > 2 and scores.shape[0] == 1:
        scores = scores[0]
    if scores.dim() != 2:
        raise ValueError(f"select_peak_near expects a single (H, W) score map, got shape {tuple(scores.shape)}")
    if nms_size < 1 or nms_size % 2 != 1:
        raise ValueError(f"motion_gate_nms must be an odd integer >= 1, got {nms_size}")
    if ratio <= 0:
        raise ValueError(f"motion_gate_ratio must be > 0, got {ratio}")
    s = scores.float().cpu()
    h, w = s.shape
    pooled = F.max_pool2d(s[None, None], nms_size, stride=1, padding=nms_size // 2)[0, 0] if nms_size > 1 else s
    top = s.max()
    candidate = (s >= pooled) & (s >= ratio * top)
    candidate |= s == top   # the global maximum is always a candidate (also when top <= 0)
    rows = torch.arange(h, dtype=torch.float32)[:, None].expand(h, w)
    cols = torch.arange(w, dtype=torch.float32)[None, :].expand(h, w)
    target_cell = torch.as_tensor(target_cell, dtype=torch.float32).reshape(2)
    dist2 = (rows - target_cell[0]) ** 2 + (cols - target_cell[1]) ** 2
    # nearest candidate; among equal distances the higher score (dist2 dominates, score breaks ties)
    key = torch.where(candidate, dist2, torch.full_like(dist2, float('inf')))
    best = key.min()
    tied = candidate & (key == best)
    flat = torch.where(tied, s, torch.full_like(s, -float('inf'))).reshape(-1).argmax()
    peak = torch.stack((flat // w, flat % w)).to(torch.int64)
    score = s[peak[0], peak[1]]
    return MotionPeak(peak, score, bool(score < top), int(candidate.sum()))
