"""FCOT per-frame localization: score fusion, advanced peak selection, box decoding (spec §4.3, §4.4).

Pure functions on tensors. Conventions:

* score maps are (row, col); peaks are int64 ``(row, col)``; the score centre of the 72x72 map
  is 35.5 and one cell is ``img_support_sz / feature_sz = 288 / 72 = 4`` crop pixels, i.e.
  ``4 * sample_scale`` image pixels;
* positions ``pos`` / ``sample_pos`` are ``(row, col) = (y, x)`` image pixels, ``target_sz`` is ``(h, w)``;
* image boxes from :func:`decode_box` and for :func:`iou_select` are ``(y0, x0, y1, x1)``;
* training boxes (:func:`get_training_box`) are ``[x, y, w, h]`` in 288-crop pixels.

Scalars from the tracker state (``sample_scale``, ``target_sz``) are float32 tensors in
pytracking; the decisions here are computed in float32 on the host exactly as the official code
does (same operation order), so thresholds compare identically.
"""
import math
from typing import NamedTuple, Optional

import torch
import torch.nn.functional as F

from pytracking.libs.dcf import max2d

__all__ = ['fuse_scores', 'Localization', 'localize_advanced', 'translation_vector', 'decode_box',
           'get_training_box', 'box_iou_signed', 'iou_select', 'FLAGS']

FLAGS = ('normal', 'not_found', 'uncertain', 'hard_negative')


def _f32_cpu(x) -> torch.Tensor:
    return torch.as_tensor(x).detach().to(device='cpu', dtype=torch.float32)


def _param(params, name):
    if isinstance(params, dict):
        if name in params:
            return params[name]
    elif hasattr(params, name):
        return getattr(params, name)
    raise AttributeError(f"tracker parameter '{name}' is required but missing from {type(params).__name__}")


# -------------------------------------------------------------------------------------------- fusion
def fuse_scores(s18: torch.Tensor, s72: torch.Tensor, merge_rate_18: float, merge_rate_72: float,
                size: int = 72) -> torch.Tensor:
    """Multi-scale score fusion (spec §4.3.3).

    ``S = merge_rate_18 * nearest(s18 -> size) + merge_rate_72 * nearest(s72 -> size)`` with
    ``F.interpolate(mode='nearest')``: output index ``i`` reads source ``floor(i * in / size)``
    (19 -> 72: ``floor(i*19/72)``; 73 -> 72: ``i``, so the last row/col of s72 is dropped).

    Args:
        s18: ``(B, 1, 19, 19)`` (any ``(B, C, h, w)``).
        s72: ``(B, 1, 73, 73)``.
    Returns:
        ``(B, 1, size, size)``.
    """
    if s18.dim() != 4 or s72.dim() != 4:
        raise ValueError(f"fuse_scores expects 4-D maps (B, C, H, W), got {tuple(s18.shape)} and {tuple(s72.shape)}")
    up18 = F.interpolate(s18, size=(size, size), mode='nearest')
    up72 = F.interpolate(s72, size=(size, size), mode='nearest')
    return merge_rate_18 * up18 + merge_rate_72 * up72


# ---------------------------------------------------------------------------------------- localization
class Localization(NamedTuple):
    """Result of :func:`localize_advanced` (all on the host).

    peak: ``(2,)`` int64 (row, col) index in the score map of the selected peak.
    disp: ``(2,)`` float32 displacement ``peak - score_center`` in cells (row, col).
    flag: one of ``'normal' | 'not_found' | 'uncertain' | 'hard_negative'``.
    max_score: 0-dim float32 score of the selected peak (windowed for the first peak, raw when
        switched to the second peak).
    """
    peak: torch.Tensor
    disp: torch.Tensor
    flag: str
    max_score: torch.Tensor


def localize_advanced(scores: torch.Tensor, target_sz, sample_scale, params,
                      window: Optional[torch.Tensor] = None, img_support_sz: float = 288) -> Localization:
    """FCOT advanced localization (spec §4.3.4).

    1. ``S_w = S * window`` (if a window is given) is used for the first peak only.
    2. ``(m1, p1) = max2d(S_w)``; ``disp1 = p1 - (sz - 1) / 2``.
    3. Neighbourhood ``n = target_neighborhood_scale * (target_sz / sample_scale) * (sz / img_support_sz)``
       cells; rows ``max(round(p1_r - n_r/2), 0) .. min(round(p1_r + n_r/2 + 1), sz_r)`` (exclusive,
       Python round), same for cols, are zeroed in the **unwindowed** S; ``(m2, p2) = max2d``.
    4. ``m1 < target_not_found_threshold`` -> not_found.
    5. ``m2 > distractor_threshold * m1``: with ``d = ||disp||`` and
       ``thr = dispalcement_scale * sqrt(sz_r * sz_c) / 2``: ``d2 > thr and d1 < thr`` -> hard_negative
       (keep p1); ``d2 < thr and d1 > thr`` -> hard_negative switched to p2 (its disp, peak and m2);
       otherwise uncertain (keep p1).
    6. ``m2 > hard_negative_threshold * m1 and m2 > target_not_found_threshold`` -> hard_negative.
    7. normal.

    Args:
        scores: ``(H, W)`` fused score map (any leading singleton dims are squeezed), any device.
        target_sz: ``(2,)`` (h, w) current target size in image pixels.
        sample_scale: float or 0-dim tensor, image pixels per crop pixel.
        params: TrackerParams-like with ``target_not_found_threshold``, ``distractor_threshold``,
            ``hard_negative_threshold``, ``target_neighborhood_scale``, ``dispalcement_scale`` (sic).
        window: optional window broadcastable to ``(H, W)`` (e.g. ``fcot_hann2d(72)`` ``(1,1,72,72)``).
        img_support_sz: crop size in pixels the map covers (288).
    Returns:
        :class:`Localization`.
    """
    scores = scores.detach()
    while scores.dim() > 2 and scores.shape[0] == 1:
        scores = scores[0]
    if scores.dim() != 2:
        raise ValueError(f"localize_advanced expects a single (H, W) score map, got shape {tuple(scores.shape)}")
    not_found_thr = _param(params, 'target_not_found_threshold')
    distractor_thr = _param(params, 'distractor_threshold')
    hard_negative_thr = _param(params, 'hard_negative_threshold')
    neighborhood_scale = _param(params, 'target_neighborhood_scale')
    displacement_scale = _param(params, 'dispalcement_scale')

    sz = scores.shape
    score_sz = torch.tensor([float(sz[0]), float(sz[1])])
    score_center = (score_sz - 1) / 2

    scores_w = scores if window is None else scores * window.to(scores.device).reshape(sz)
    m1, p1 = max2d(scores_w)
    m1 = m1.cpu()
    peak1 = p1.cpu()
    disp1 = peak1.float() - score_center

    if m1.item() < not_found_thr:
        return Localization(peak1, disp1, 'not_found', m1)

    target_sz = _f32_cpu(target_sz)
    sample_scale = _f32_cpu(sample_scale)
    neigh = neighborhood_scale * (target_sz / sample_scale) * (score_sz / img_support_sz)
    p1r, p1c = float(peak1[0]), float(peak1[1])
    top = max(round(p1r - neigh[0].item() / 2), 0)
    bottom = min(round(p1r + neigh[0].item() / 2 + 1), sz[0])
    left = max(round(p1c - neigh[1].item() / 2), 0)
    right = min(round(p1c + neigh[1].item() / 2 + 1), sz[1])
    masked = scores.clone()
    masked[top:bottom, left:right] = 0
    m2, p2 = max2d(masked)
    m2 = m2.cpu()
    peak2 = p2.cpu()
    disp2 = peak2.float() - score_center

    if m2 > distractor_thr * m1:
        d1 = torch.sqrt(torch.sum(disp1 ** 2))
        d2 = torch.sqrt(torch.sum(disp2 ** 2))
        thr = displacement_scale * math.sqrt(sz[0] * sz[1]) / 2
        if d2 > thr and d1 < thr:
            return Localization(peak1, disp1, 'hard_negative', m1)
        if d2 < thr and d1 > thr:
            return Localization(peak2, disp2, 'hard_negative', m2)
        return Localization(peak1, disp1, 'uncertain', m1)

    if m2 > hard_negative_thr * m1 and m2 > not_found_thr:
        return Localization(peak1, disp1, 'hard_negative', m1)
    return Localization(peak1, disp1, 'normal', m1)


def translation_vector(disp, sample_scale, img_support_sz: float = 288, feature_sz: float = 72) -> torch.Tensor:
    """Image-pixel translation of a displacement in cells: ``disp * (img_support_sz / feature_sz) * sample_scale``.

    ``new_pos = sample_pos + translation_vector(loc.disp, sample_scale)`` (spec §4.3.5), (row, col).
    Returns a ``(2,)`` float32 CPU tensor.
    """
    cell = torch.tensor([float(img_support_sz), float(img_support_sz)]) / torch.tensor([float(feature_sz)] * 2)
    return _f32_cpu(disp) * cell * _f32_cpu(sample_scale)


# ------------------------------------------------------------------------------------------ box decode
def decode_box(reg: torch.Tensor, peak, new_pos, sample_scale, image_hw, stride: float = 4,
               clamp_per_axis: bool = False) -> torch.Tensor:
    """Decode the regression map at the peak into an image box (spec §4.3.6).

    ``(l, r, t, b) = stride * ReLU(reg[:, row, col]) * sample_scale`` (channels 0..3 = left, right,
    top, bottom distances in cells); box ``(new_y - t, new_x - l, new_y + b, new_x + r)`` clamped to
    ``[1, max(H, W)]`` (the same bound on both axes, as the official code).

    Args:
        reg: ``(4, H, W)`` blended regression map (leading singleton dims allowed), any device.
        peak: ``(2,)`` (row, col) cell index.
        new_pos: ``(2,)`` (row, col) image position of the peak.
        sample_scale: float or 0-dim tensor.
        image_hw: ``(H, W)`` of the frame.
        clamp_per_axis: fix of the official bound: clamp per axis so that the tracker's output box
            ``[x0 + 0.5, y0 + 0.5, x1 - x0, y1 - y0]`` (see ``state.output_box``) lies inside ``[0, W] x [0, H]``
            and is at least one pixel wide and high: ``y0`` in ``[-0.5, H - 1.5]``, ``y1`` in ``[y0 + 1, H - 0.5]``
            (columns alike). Default ``False``: official ``[1, max(H, W)]`` on both axes.
    Returns:
        ``(4,)`` float32 CPU tensor ``(y0, x0, y1, x1)``.
    """
    reg = reg.detach()
    while reg.dim() > 3 and reg.shape[0] == 1:
        reg = reg[0]
    if reg.dim() != 3 or reg.shape[0] != 4:
        raise ValueError(f"decode_box expects a (4, H, W) regression map, got shape {tuple(reg.shape)}")
    row, col = (int(v) for v in torch.as_tensor(peak).reshape(-1).tolist())
    if not (0 <= row < reg.shape[1] and 0 <= col < reg.shape[2]):
        raise ValueError(f"peak ({row}, {col}) outside the {reg.shape[1]}x{reg.shape[2]} regression map")
    ltrb = torch.relu(reg[:, row, col]).cpu().float() * stride * _f32_cpu(sample_scale)
    l, r, t, b = ltrb
    y, x = _f32_cpu(new_pos).reshape(2)
    box = torch.stack((y - t, x - l, y + b, x + r))
    if clamp_per_axis:
        hw = torch.tensor([float(image_hw[0]), float(image_hw[1])])
        lo = torch.minimum(torch.maximum(box[:2], torch.full((2,), -0.5)), hw - 1.5)
        hi = torch.minimum(torch.maximum(box[2:], lo + 1.0), hw - 0.5)
        return torch.cat((lo, hi))
    return box.clamp(1, max(int(image_hw[0]), int(image_hw[1])))


# ---------------------------------------------------------------------------------------- training box
def get_training_box(pos, target_sz, sample_pos, sample_scale, image_sz=288) -> torch.Tensor:
    """Target box in crop pixels for the online training samples (spec §4.4; pytracking get_iounet_box).

    ``center = (pos - sample_pos) / sample_scale + (image_sz - 1) / 2``; ``size = target_sz / sample_scale``;
    ``top_left = center - (size - 1) / 2``.

    Args:
        pos, sample_pos: ``(2,)`` (row, col) image pixels.
        target_sz: ``(2,)`` (h, w) image pixels.
        sample_scale: float or 0-dim tensor.
        image_sz: crop size (int or (h, w)), 288.
    Returns:
        ``(4,)`` float32 CPU tensor ``[x, y, w, h]``.
    """
    image_sz = _f32_cpu(image_sz).reshape(-1).expand(2)
    scale = _f32_cpu(sample_scale)
    center = (_f32_cpu(pos) - _f32_cpu(sample_pos)) / scale + (image_sz - 1) / 2
    size = _f32_cpu(target_sz) / scale
    top_left = center - (size - 1) / 2
    return torch.cat((top_left.flip((0,)), size.flip((0,))))


# ----------------------------------------------------------------------------------------- iou select
def box_iou_signed(box_a, box_b) -> torch.Tensor:
    """IoU of two ``(y0, x0, y1, x1)`` boxes with **signed** intersection sides (FCOT quirk).

    ``inter = (min(y1) - max(y0)) * (min(x1) - max(x0))`` without clamping at 0, so two disjoint
    boxes that are separated along both axes get a positive "intersection".
    ``IoU = inter / (area_a + area_b - inter)``. Returns a 0-dim float32 tensor.
    """
    a = _f32_cpu(box_a).reshape(4)
    b = _f32_cpu(box_b).reshape(4)
    ih = torch.min(a[2], b[2]) - torch.max(a[0], b[0])
    iw = torch.min(a[3], b[3]) - torch.max(a[1], b[1])
    inter = ih * iw
    area_a = (a[2] - a[0]) * (a[3] - a[1])
    area_b = (b[2] - b[0]) * (b[3] - b[1])
    return inter / (area_a + area_b - inter)


def iou_select(box, prev_box, flag: str, threshold: float = 0.05) -> str:
    """TrackingNet IoU check (spec §4.3.7); boxes ``(y0, x0, y1, x1)``.

    If ``flag != 'not_found'`` and ``box_iou_signed(box, prev_box) < threshold``: 'normal' becomes
    'uncertain', 'hard_negative'/'uncertain' become 'not_found'. Otherwise the flag is unchanged.
    """
    if flag not in FLAGS:
        raise ValueError(f"unknown flag {flag!r}; allowed: {FLAGS}")
    if flag == 'not_found':
        return flag
    if box_iou_signed(box, prev_box).item() < threshold:
        return 'uncertain' if flag == 'normal' else 'not_found'
    return flag
