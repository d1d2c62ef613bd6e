"""Candidate peaks for the not-official peak gates (``peak_selection='motion'`` or ``'template'``).

The official advanced localization (:func:`pytracking.tracker.fcot.localization.localize_advanced`) compares the
highest peak with one second peak found outside a target neighbourhood of ``target_neighborhood_scale`` target sizes.
On a small score map (FCOT-tiny: 24 x 24 cells) that neighbourhood covers most of the map, so a true target next to a
higher-scoring look-alike is masked together with it. The gates instead consider every local maximum that scores at
least ``peak_gate_ratio`` times the highest and choose among them by another cue (:mod:`.motion`, :mod:`.template`).

Score maps are ``(H, W)`` indexed ``(row, col)``.
"""
from typing import NamedTuple

import torch
import torch.nn.functional as F

__all__ = ['PEAK_SELECTIONS', 'SWITCH_FLAGS', 'PeakChoice', 'candidate_mask', 'as_score_map', 'choice_at']

#: Allowed values of the tracker parameter ``peak_selection`` ('official' = spec section 4.3.4 only).
PEAK_SELECTIONS = ('official', 'motion', 'template')
#: Allowed values of ``peak_switch_flag``, the flag of a frame where a gate overrode the highest peak
#: ('hard_negative': learn from it at ``hard_negative_learning_rate``, as the official switch to a second peak does;
#: 'uncertain': no model update; 'normal': the usual schedule).
SWITCH_FLAGS = ('hard_negative', 'uncertain', 'normal')


class PeakChoice(NamedTuple):
    """A gate's choice.

    peak: ``(2,)`` int64 (row, col) of the chosen local maximum.
    score: 0-dim float32, its score.
    switched: whether it scores below the global maximum (the gate overrode the highest peak).
    num_candidates: how many cells passed the candidate test.
    """
    peak: torch.Tensor
    score: torch.Tensor
    switched: bool
    num_candidates: int


def as_score_map(scores: torch.Tensor, who: str) -> torch.Tensor:
    """``(H, W)`` float32 host copy of a score map (leading singleton dims squeezed); ``who`` names the caller."""
    scores = scores.detach()
    while scores.dim() > 2 and scores.shape[0] == 1:
        scores = scores[0]
    if scores.dim() != 2:
        raise ValueError(f"{who} expects a single (H, W) score map, got shape {tuple(scores.shape)}")
    return scores.float().cpu()


def candidate_mask(s: torch.Tensor, ratio: float, nms_size: int = 3) -> torch.Tensor:
    """``(H, W)`` bool: local maxima of ``s`` scoring ``>= ratio * max(s)``, plus every cell equal to the maximum.

    A cell is a local maximum when it equals the maximum of its ``nms_size x nms_size`` neighbourhood (odd size,
    clipped at the map border). With ``ratio > 1`` only the global maximum qualifies.
    """
    if nms_size < 1 or nms_size % 2 != 1:
        raise ValueError(f"peak_gate_nms must be an odd integer >= 1, got {nms_size}")
    if ratio <= 0:
        raise ValueError(f"peak_gate_ratio must be > 0, got {ratio}")
    pooled = F.max_pool2d(s[None, None], nms_size, stride=1, padding=nms_size // 2)[0, 0] if nms_size > 1 else s
    top = s.max()
    return ((s >= pooled) & (s >= ratio * top)) | (s == top)


def choice_at(s: torch.Tensor, flat_index, num_candidates: int) -> PeakChoice:
    """The :class:`PeakChoice` of cell ``flat_index`` (row-major) of ``s``."""
    w = s.shape[1]
    flat_index = torch.as_tensor(flat_index).reshape(())
    peak = torch.stack((flat_index // w, flat_index % w)).to(torch.int64)
    score = s[peak[0], peak[1]]
    return PeakChoice(peak, score, bool(score < s.max()), int(num_candidates))
