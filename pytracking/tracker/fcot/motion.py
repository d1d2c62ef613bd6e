"""Motion-gated peak selection (not official; ``peak_selection='motion'``, default ``'official'``).

Among the candidate peaks of :mod:`.peak_candidates` (local maxima scoring at least ``peak_gate_ratio`` times the
highest), take the one nearest the position that constant-velocity motion predicts.

Conventions as in :mod:`pytracking.tracker.fcot.localization`: score maps ``(H, W)`` indexed ``(row, col)``; positions
``(row, col) = (y, x)``; the score centre ``(H - 1) / 2, (W - 1) / 2`` is the sample position ``sample_pos``; one cell
is ``cell_px`` image pixels.
"""
import torch

from pytracking.tracker.fcot.peak_candidates import PeakChoice, as_score_map, candidate_mask, choice_at

__all__ = ['predict_position', 'position_to_cell', 'select_peak_near']


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


def select_peak_near(scores: torch.Tensor, target_cell: torch.Tensor, ratio: float, nms_size: int = 3) -> PeakChoice:
    """The local maximum nearest ``target_cell`` among those scoring ``>= ratio * max(scores)``.

    Candidates: :func:`~pytracking.tracker.fcot.peak_candidates.candidate_mask` (the global maximum always
    qualifies, so with ``ratio > 1`` the result is the global maximum). Ties in distance go to the higher score.
    No Python loop over cells.

    Args:
        scores: ``(H, W)`` score map (leading singleton dims allowed).
        target_cell: ``(2,)`` fractional (row, col) cell, e.g. from :func:`position_to_cell`.
        ratio: candidates score at least ``ratio`` times the maximum, in ``(0, 1]`` to have any effect.
        nms_size: odd neighbourhood size of the local-maximum test, ``>= 1``.
    Returns:
        :class:`~pytracking.tracker.fcot.peak_candidates.PeakChoice` (on the host).
    """
    s = as_score_map(scores, 'select_peak_near')
    candidate = candidate_mask(s, ratio, nms_size)
    h, w = s.shape
    rows = torch.arange(h, dtype=torch.float32)[:, None].expand(h, w)
    cols = torch.arange(w, dtype=torch.float32)[None, :].expand(h, w)
    target_cell = torch.as_tensor(target_cell, dtype=torch.float32).reshape(2)
    dist2 = (rows - target_cell[0]) ** 2 + (cols - target_cell[1]) ** 2
    # nearest candidate; among equal distances the higher score
    key = torch.where(candidate, dist2, torch.full_like(dist2, float('inf')))
    tied = candidate & (key == key.min())
    flat = torch.where(tied, s, torch.full_like(s, -float('inf'))).reshape(-1).argmax()
    return choice_at(s, flat, int(candidate.sum()))
