"""DCF helpers: windows and 2-D argmax (pytracking ``dcf``; FCOT spec §0.4).

All 2-D quantities are (row, col) = (y, x).
"""
import math

import torch

__all__ = ['hann1d', 'hann2d', 'fcot_hann1d', 'fcot_hann2d', 'max2d']


def hann1d(sz: int, centered: bool = True) -> torch.Tensor:
    """pytracking 1-D cosine window of length ``sz`` (float32).

    centered: ``0.5 (1 - cos(2 pi i / (sz + 1)))`` for ``i = 1..sz`` (symmetric, zero-free);
    otherwise the window is centred at index 0 (periodic layout for Fourier use):
    ``w = 0.5 (1 + cos(2 pi i / (sz + 2)))`` for ``i = 0..sz//2`` followed by its mirror.
    """
    if sz < 1:
        raise ValueError(f"hann1d: size must be >= 1, got {sz}")
    if centered:
        return 0.5 * (1 - torch.cos((2 * math.pi / (sz + 1)) * torch.arange(1, sz + 1).float()))
    w = 0.5 * (1 + torch.cos((2 * math.pi / (sz + 2)) * torch.arange(0, sz // 2 + 1).float()))
    return torch.cat([w, w[1:sz - sz // 2].flip((0,))])


def hann2d(sz, centered: bool = True) -> torch.Tensor:
    """Outer product of :func:`hann1d` windows; ``sz`` = (h, w) (int, pair or tensor) -> ``(1, 1, h, w)``."""
    h, w = _hw(sz)
    return hann1d(h, centered).reshape(1, 1, -1, 1) * hann1d(w, centered).reshape(1, 1, 1, -1)


def fcot_hann1d(sz: int = 72) -> torch.Tensor:
    """FCOT output window (spec §0.4): ``w[i] = 0.2 (1 - cos(2 pi (i + 1) / (sz + 2)))``, ``i = 0..sz-1``.

    For ``sz = 72`` the denominator is 74 and the maximum 0.4 sits at ``i = 36`` (the window is
    not symmetric over 0..71). Computed in float64, returned as float32 ``(sz,)``.
    """
    if sz < 1:
        raise ValueError(f"fcot_hann1d: size must be >= 1, got {sz}")
    i = torch.arange(1, sz + 1, dtype=torch.float64)
    return (0.2 * (1 - torch.cos(2 * math.pi * i / (sz + 2)))).float()


def fcot_hann2d(sz=72) -> torch.Tensor:
    """FCOT 2-D window, outer product of :func:`fcot_hann1d`: ``(1, 1, h, w)`` float32, peak 0.16."""
    h, w = _hw(sz)
    return fcot_hann1d(h).reshape(1, 1, -1, 1) * fcot_hann1d(w).reshape(1, 1, 1, -1)


def soft_window(window: torch.Tensor, influence: float) -> torch.Tensor:
    """``(1 - influence) + influence * window / max(window)``: a window scaled to peak 1 and blended with a flat
    one (not official; SiamFC-style window influence). ``influence`` 1 is the window scaled to peak 1, 0 is flat.
    Multiplied onto a score map it penalises far peaks by at most the factor ``1 - influence`` and leaves a
    centred peak's score unchanged, so score thresholds keep their meaning (unlike the official FCOT window,
    whose peak is 0.16)."""
    influence = float(influence)
    if not 0.0 <= influence <= 1.0:
        raise ValueError(f"window_influence must be in [0, 1], got {influence}")
    return (1.0 - influence) + influence * (window / window.max())


def _hw(sz):
    if isinstance(sz, torch.Tensor):
        sz = sz.reshape(-1).tolist()
    if isinstance(sz, (int, float)):
        sz = (sz, sz)
    if len(sz) != 2:
        raise ValueError(f"window size must be an int or an (h, w) pair, got {sz!r}")
    return int(sz[0]), int(sz[1])


def max2d(a: torch.Tensor):
    """Maximum over the last two dims and its (row, col) location.

    Two-stage reduction as pytracking: first the max over rows for every column, then the max over
    columns. Ties therefore resolve to the **smallest column** among the maxima, then the smallest
    row within that column (not the row-major first).

    Args:
        a: ``(..., H, W)``.
    Returns:
        max_val ``(...)`` and argmax ``(..., 2)`` int64 ``(row, col)``, on ``a``'s device.
    """
    if a.dim() < 2:
        raise ValueError(f"max2d needs at least 2 dims, got shape {tuple(a.shape)}")
    col_max, row_of_col_max = torch.max(a, dim=-2)          # (..., W)
    max_val, argmax_col = torch.max(col_max, dim=-1)        # (...)
    argmax_row = torch.gather(row_of_col_max, -1, argmax_col.unsqueeze(-1)).squeeze(-1)
    return max_val, torch.stack((argmax_row, argmax_col), dim=-1)
