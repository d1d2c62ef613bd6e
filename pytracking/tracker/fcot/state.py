"""FCOT tracker state geometry: init scale bounds, sample geometry, state update, output boxes
(spec §4.1 steps 1-2, §4.2 step 6, §4.3 steps 8-9).

Conventions: ``pos`` = target centre **(row, col) = (y, x)** with the pytracking "-1" convention
(``pos = (y + (h-1)/2, x + (w-1)/2)``); ``target_sz`` = **(h, w)**; image boxes ``(y0, x0, y1, x1)``;
output / input boxes ``[x, y, w, h]``. All results are float32 CPU tensors (0-dim for scalars),
computed with the same operation order as pytracking.
"""
import math
from typing import NamedTuple

import torch

__all__ = ['ScaleBounds', 'init_state', 'scale_bounds', 'sample_geometry', 'state_from_box',
           'update_target_scale', 'output_box', 'state_to_box']


def _f32(x) -> torch.Tensor:
    return torch.as_tensor(x).detach().to(device='cpu', dtype=torch.float32)


def init_state(box_xywh):
    """Initial ``pos`` and ``target_sz`` from the first-frame box ``[x, y, w, h]``.

    Returns:
        pos ``(2,)`` = ``(y + (h-1)/2, x + (w-1)/2)``; target_sz ``(2,)`` = ``(h, w)``;
        prev_box ``(4,)`` = ``(y, x, y + h, x + w)`` (spec §4.1 step 8).
    """
    x, y, w, h = (float(v) for v in torch.as_tensor(box_xywh, dtype=torch.float64).reshape(4))
    pos = torch.tensor([y + (h - 1) / 2, x + (w - 1) / 2])
    target_sz = torch.tensor([h, w])
    prev_box = torch.tensor([y, x, y + h, x + w])
    return pos, target_sz, prev_box


class ScaleBounds(NamedTuple):
    """Scale state fixed at initialization (spec §4.1 step 2); 0-dim / (2,) float32 tensors."""
    target_scale: torch.Tensor
    base_target_sz: torch.Tensor
    min_scale_factor: torch.Tensor
    max_scale_factor: torch.Tensor


def scale_bounds(target_sz, search_area_scale: float, image_hw, img_sample_sz=288) -> ScaleBounds:
    """``target_scale = sqrt(prod(target_sz * search_area_scale)) / sqrt(prod(img_sample_sz))``;
    ``base_target_sz = target_sz / target_scale``; ``min_scale_factor = max(10 / base_target_sz)``;
    ``max_scale_factor = min(image_hw / base_target_sz)``.

    Args:
        target_sz: ``(2,)`` (h, w); image_hw: ``(H, W)``; img_sample_sz: int or ``(h, w)`` (288).
    """
    target_sz = _f32(target_sz).reshape(2)
    img_sample_sz = _f32(img_sample_sz).reshape(-1).expand(2)
    search_area = torch.prod(target_sz * search_area_scale).item()
    target_scale = math.sqrt(search_area) / img_sample_sz.prod().sqrt()
    base_target_sz = target_sz / target_scale
    min_scale_factor = torch.max(10 / base_target_sz)
    max_scale_factor = torch.min(_f32([float(image_hw[0]), float(image_hw[1])]) / base_target_sz)
    return ScaleBounds(target_scale, base_target_sz, min_scale_factor, max_scale_factor)


def sample_geometry(patch_coord, img_sample_sz=288):
    """Centre and scale of a sampled patch from its ``patch_coord`` ``[y0, x0, y1, x1]`` (spec §4.2 step 6).

    ``sample_pos = (tl + br - 1) / 2`` (row, col); ``sample_scale = sqrt(prod((br - tl) / img_sample_sz))``.

    Args:
        patch_coord: ``(4,)`` or ``(1, 4)`` int64.
    Returns:
        sample_pos ``(2,)`` float32, sample_scale 0-dim float32.
    """
    c = torch.as_tensor(patch_coord).detach().cpu().reshape(4)
    img_sample_sz = _f32(img_sample_sz).reshape(-1).expand(2)
    sample_pos = 0.5 * (c[:2] + c[2:] - 1)
    sample_scale = ((c[2:] - c[:2]) / img_sample_sz).prod().sqrt()
    return sample_pos.float(), sample_scale.float()


def state_from_box(box_yxyx):
    """``pos`` = box centre ``((y0 + y1)/2, (x0 + x1)/2)`` and ``target_sz = (y1 - y0, x1 - x0)``
    from a decoded ``(y0, x0, y1, x1)`` box (spec §4.3 step 8)."""
    b = _f32(box_yxyx).reshape(4)
    pos = (b[:2] + b[2:]) / 2
    target_sz = b[2:] - b[:2]
    return pos, target_sz


def update_target_scale(target_sz, base_target_sz, min_scale_factor, max_scale_factor) -> torch.Tensor:
    """``clamp(sqrt(prod(target_sz) / prod(base_target_sz)), min_scale_factor, max_scale_factor)`` (0-dim)."""
    scale = torch.sqrt(torch.prod(_f32(target_sz)) / torch.prod(_f32(base_target_sz)))
    return torch.clamp(scale, _f32(min_scale_factor), _f32(max_scale_factor))


def output_box(pos, target_sz) -> torch.Tensor:
    """Tracker output ``[x, y, w, h] = [pos_x - (w-1)/2, pos_y - (h-1)/2, w, h]`` (spec §4.3 step 9)."""
    pos = _f32(pos).reshape(2)
    target_sz = _f32(target_sz).reshape(2)
    return torch.cat((pos[[1, 0]] - (target_sz[[1, 0]] - 1) / 2, target_sz[[1, 0]]))


def blend_size(old_sz, new_sz, rate: float) -> torch.Tensor:
    """``old^(1 - rate) * new^rate`` per axis: ``rate`` 1 takes the new size (official), smaller values damp
    size changes (a size estimate that is noisy from frame to frame then cannot collapse the search region)."""
    if not 0.0 < float(rate) <= 1.0:
        raise ValueError(f"size_update_rate must be in (0, 1], got {rate}")
    old_sz, new_sz = _f32(old_sz), _f32(new_sz)
    return torch.exp((1.0 - rate) * torch.log(old_sz.clamp(min=1e-3)) + rate * torch.log(new_sz.clamp(min=1e-3)))


def clip_output_box(box_xywh, image_hw) -> torch.Tensor:
    """``[x, y, w, h]`` clipped so that it lies exactly inside ``[0, W] x [0, H]`` (removes float32 rounding
    left by :func:`output_box`; used with ``clamp_box_per_axis``)."""
    b = _f32(box_xywh).reshape(4)
    h, w = float(image_hw[0]), float(image_hw[1])
    x0, y0 = b[0].clamp(0, w), b[1].clamp(0, h)
    x1, y1 = (b[0] + b[2]).clamp(0, w), (b[1] + b[3]).clamp(0, h)
    return torch.stack((x0, y0, x1 - x0, y1 - y0))


def state_to_box(pos, target_sz) -> torch.Tensor:
    """``prev_box = (pos - (sz-1)/2, pos + (sz-1)/2)`` as ``(y0, x0, y1, x1)`` (spec §4.3 step 9)."""
    pos = _f32(pos).reshape(2)
    target_sz = _f32(target_sz).reshape(2)
    return torch.cat((pos - (target_sz - 1) / 2, pos + (target_sz - 1) / 2))
