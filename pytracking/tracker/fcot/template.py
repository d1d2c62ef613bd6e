"""Template-verified peak selection (not official; ``peak_selection='template'``, default ``'official'``).

Among the candidate peaks of :mod:`.peak_candidates` (local maxima scoring at least ``peak_gate_ratio`` times the
highest), take the one whose image region best matches the first frame's target in raw pixels: normalised
cross-correlation (NCC) of ``template_size x template_size`` RGB patches, each zero-mean and unit-norm, so the match is
unaffected by brightness and contrast changes. This is the pixel-exact cue that a correlation-filter tracker such as
CSRT uses and that a small network's pooled features can lose: two regions of one texture look alike to the
classifier but differ pixel by pixel.

Conventions: score and regression maps ``(H, W)`` indexed ``(row, col)``; image positions ``(row, col) = (y, x)`` with
the tracker's "-1" centre convention (``pytracking/tracker/fcot/state.py``); patch boxes for
:func:`box_patches` are ``(x0, y0, x1, y1)`` in continuous image coordinates (pixel ``i`` covers ``[i, i + 1)``), so the
box ``[x, y, w, h]`` is ``(x, y, x + w, y + h)``.
"""
import torch
from torchvision.ops import roi_align

from pytracking.tracker.fcot.peak_candidates import PeakChoice, as_score_map, candidate_mask, choice_at

__all__ = ['box_patches', 'normalise_patches', 'best_shift_ncc', 'centred_boxes', 'candidate_centres', 'select_peak_by_template']


def box_patches(image: torch.Tensor, boxes_xyxy: torch.Tensor, size: int) -> torch.Tensor:
    """``size x size`` patches of ``boxes_xyxy (K, 4)`` from ``image (1, C, H, W)`` -> ``(K, C, size, size)``
    (``torchvision.ops.roi_align``: each bin the mean of ``ceil(bin size)`` x ``ceil(bin size)`` bilinear samples, so
    the patch is an area-averaged, alias-free downsampling; pixel ``i`` is centred at ``i + 0.5``)."""
    if image.dim() != 4 or image.shape[0] != 1:
        raise ValueError(f"box_patches expects one (1, C, H, W) image, got shape {tuple(image.shape)}")
    if int(size) < 2:
        raise ValueError(f"template_size must be >= 2, got {size}")
    boxes = torch.as_tensor(boxes_xyxy, dtype=image.dtype, device=image.device).reshape(-1, 4)
    return roi_align(image, [boxes], output_size=(int(size), int(size)), spatial_scale=1.0, sampling_ratio=-1,
                     aligned=True)


def normalise_patches(patches: torch.Tensor) -> torch.Tensor:
    """``(K, C, S, S)`` -> ``(K, C * S * S)``: each patch minus its mean, divided by its L2 norm (a flat patch
    becomes all zeros, matching nothing)."""
    flat = patches.reshape(patches.shape[0], -1)
    flat = flat - flat.mean(dim=1, keepdim=True)
    return flat / flat.norm(dim=1, keepdim=True).clamp(min=1e-6)


def centred_boxes(centres: torch.Tensor, target_sz: torch.Tensor) -> torch.Tensor:
    """Boxes of size ``target_sz (2,)`` (h, w) around ``centres (K, 2)`` (row, col, "-1" convention) ->
    ``(K, 4)`` continuous ``(x0, y0, x1, y1)``: pixel-index centre ``c`` is continuous ``c + 0.5``."""
    centres = torch.as_tensor(centres, dtype=torch.float32).reshape(-1, 2) + 0.5
    half = torch.as_tensor(target_sz, dtype=torch.float32).reshape(2) / 2
    return torch.cat((centres[:, [1, 0]] - half[[1, 0]], centres[:, [1, 0]] + half[[1, 0]]), dim=1)


def candidate_centres(reg: torch.Tensor, peaks: torch.Tensor, sample_pos, sample_scale, stride: float) -> torch.Tensor:
    """Image centres ``(K, 2)`` (row, col) of the boxes the regression map decodes at ``peaks (K, 2)`` (same formula
    as :func:`~pytracking.tracker.fcot.localization.decode_box`, without clamping): peak position
    ``sample_pos + (peak - centre) * stride * sample_scale`` shifted by ``((b - t) / 2, (r - l) / 2)``."""
    reg = reg.detach().float().cpu()
    if reg.dim() != 3 or reg.shape[0] != 4:
        raise ValueError(f"candidate_centres expects a (4, H, W) regression map, got shape {tuple(reg.shape)}")
    peaks = torch.as_tensor(peaks, dtype=torch.int64).reshape(-1, 2)
    map_centre = (torch.tensor([float(reg.shape[1]), float(reg.shape[2])]) - 1) / 2
    px = float(stride) * torch.as_tensor(sample_scale, dtype=torch.float32)
    pos = torch.as_tensor(sample_pos, dtype=torch.float32).reshape(1, 2) + (peaks.float() - map_centre) * px
    l, r, t, b = (torch.relu(reg[:, peaks[:, 0], peaks[:, 1]]) * px).unbind(0)
    return pos + torch.stack(((b - t) / 2, (r - l) / 2), dim=1)


def best_shift_ncc(image: torch.Tensor, boxes_xyxy: torch.Tensor, template: torch.Tensor, size: int,
                   search: int) -> torch.Tensor:
    """NCC ``(K,)`` of each box's region with ``template (C * size * size,)``, maximised over shifts of up to
    ``search`` bins (a bin is ``1 / size`` of the box) in each direction: the regions are sampled with a margin of
    ``search`` bins and every ``size x size`` window of it is compared (vectorised, no loop over shifts), so a peak
    that is off the target's centre by part of a score cell still finds the target's pixels."""
    if int(search) < 0:
        raise ValueError(f"template_search must be >= 0, got {search}")
    boxes = torch.as_tensor(boxes_xyxy, dtype=torch.float32).reshape(-1, 4)
    bins = (boxes[:, 2:] - boxes[:, :2]) / size                                   # (K, 2) bin width, height
    margin = torch.cat((-bins, bins), dim=1) * search
    n = size + 2 * search
    patches = box_patches(image, (boxes + margin).to(image.device), n).cpu()     # (K, C, n, n)
    k, c = patches.shape[:2]
    windows = patches.unfold(2, size, 1).unfold(3, size, 1)                       # (K, C, s, s, size, size)
    windows = windows.permute(0, 2, 3, 1, 4, 5).reshape(-1, c, size, size)       # (K * s * s, C, size, size)
    ncc = normalise_patches(windows) @ template.reshape(-1).cpu()
    return ncc.reshape(k, -1).max(dim=1).values


def select_peak_by_template(scores: torch.Tensor, reg: torch.Tensor, image: torch.Tensor, template: torch.Tensor,
                            target_sz, sample_pos, sample_scale, stride: float, ratio: float,
                            nms_size: int = 3, search: int = 1, margin: float = 0.0) -> PeakChoice:
    """The candidate peak whose target-sized image region best matches ``template`` (NCC, best over shifts of up to
    ``search`` bins: :func:`best_shift_ncc`).

    Args:
        scores: ``(H, W)`` score map; candidates from :func:`~.peak_candidates.candidate_mask`.
        reg: ``(4, H, W)`` regression map (l, r, t, b in cells) on the same grid.
        image: ``(1, 3, H_img, W_img)`` current frame.
        template: ``(D,)`` the first frame's :func:`normalise_patches` row; its patch size sets the comparison size.
        target_sz: ``(2,)`` (h, w) current target size, image pixels: every candidate region has this size.
        sample_pos, sample_scale, stride: search-region geometry (:func:`candidate_centres`).
        ratio, nms_size: candidate test.
        search: shift search in bins (``template_search``).
        margin: a lower-scoring candidate replaces the highest peak only when its NCC exceeds the highest peak's
            NCC by more than ``margin`` (``template_margin``).
    Returns:
        :class:`~.peak_candidates.PeakChoice`; with one candidate, the global maximum. Ties in NCC go to the
        higher score.
    """
    s = as_score_map(scores, 'select_peak_by_template')
    mask = candidate_mask(s, ratio, nms_size)
    flat = mask.reshape(-1).nonzero().reshape(-1)                           # (K,)
    if flat.numel() == 1:
        return choice_at(s, flat[0], 1)
    w = s.shape[1]
    peaks = torch.stack((flat // w, flat % w), dim=1)
    centres = candidate_centres(reg, peaks, sample_pos, sample_scale, stride)
    size = int(round((template.numel() // image.shape[1]) ** 0.5))
    ncc = best_shift_ncc(image, centred_boxes(centres, target_sz), template, size, search)    # (K,)
    values = s.reshape(-1)[flat]
    top = (values == values.max()).nonzero().reshape(-1)
    top = top[ncc[top].argmax()]                                             # the highest peak (best NCC on a tie)
    best = ncc == ncc.max()
    pick = torch.where(best, values, torch.full_like(ncc, -float('inf'))).argmax()
    if not bool(ncc[pick] > ncc[top] + margin):
        pick = top
    return choice_at(s, flat[pick], flat.numel())
