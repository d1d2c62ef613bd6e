"""Regression targets for the online regression optimizer (FCOT's ``generate_w2h2_label``)."""
from typing import Tuple

import torch


def generate_w2h2_label(bb: torch.Tensor, map_size: int, stride: int = 4, radius: int = 0,
                        transposed: bool = True) -> Tuple[torch.Tensor, torch.Tensor]:
    """Integer (l, r, t, b) distances, in cells, at the target-centre cell of a ``map_size`` grid.

    With ``cx = int((x + w/2) / stride)``, ``l = int(x / stride)``, ``r = int((x + w) / stride)`` (and the same
    for y; ``int`` truncates toward zero) the base label is ``(cx - l, r - cx, cy - t, b - cy)``. For every
    shift ``(dx, dy)`` in ``[-radius, radius]^2`` the label ``base + (dx, -dx, dy, -dy)`` is written at
    cell ``(cx + dx, cy + dy)``. A shift is skipped for the whole batch if any sample then has a side
    ``<= 0`` or a position outside ``[0, map_size)``. The mask is 1 at the written cells (all 4 channels).

    ``transposed=True`` reproduces the official code, which writes at **row = x-cell, col = y-cell**
    (quirk §1.8.6 of the spec; the released weights were trained with it). ``transposed=False`` writes at
    row = y-cell, col = x-cell, which is geometrically correct.

    Args:
        bb: ``(N, 4)`` boxes ``[x, y, w, h]`` in input-image pixels.
        map_size: side of the (square) regression map, e.g. 72.
    Returns:
        ``(label, mask)``, each ``(N, 4, map_size, map_size)``.
    """
    bb = bb.reshape(-1, 4)
    n = bb.shape[0]
    x, y, w, h = bb.unbind(dim=1)
    cx = torch.trunc((x + w / 2) / stride)
    cy = torch.trunc((y + h / 2) / stride)
    l = torch.trunc(x / stride)
    t = torch.trunc(y / stride)
    r = torch.trunc((x + w) / stride)
    b = torch.trunc((y + h) / stride)
    base = torch.stack((cx - l, r - cx, cy - t, b - cy), dim=1)

    label = bb.new_zeros(n, 4, map_size, map_size)
    mask = bb.new_zeros(n, 4, map_size, map_size)
    batch = torch.arange(n, device=bb.device)
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            sides = base + torch.tensor([dx, -dx, dy, -dy], dtype=bb.dtype, device=bb.device)
            px, py = cx + dx, cy + dy
            ok = (sides > 0).all() & (px >= 0).all() & (px < map_size).all() & (py >= 0).all() & (py < map_size).all()
            if not bool(ok):
                continue
            rows, cols = (px, py) if transposed else (py, px)
            rows, cols = rows.long(), cols.long()
            label[batch, :, rows, cols] = sides
            mask[batch, :, rows, cols] = 1.0
    return label, mask
