"""Precise RoI Pooling (PrRoIPool) in pure PyTorch (CPU and CUDA, differentiable).

Each output bin is the exact average of the bilinearly interpolated feature map over the bin:

    out[k, c, p, q] = (1 / area) * integral over bin (p, q) of F~(y, x) dy dx

where F~ is the bilinear interpolant of feature map F (sample (i, j) sits at the continuous coordinate
(y=i, x=j), no half-pixel shift) and F is 0 outside the map. The interpolant is a sum of separable tent
functions, so the integral has the closed form

    out[k, c, p, q] = sum_ij F[b_k, c, i, j] * Wy[k, p, i] * Wx[k, q, j] / area,
    Wx[k, q, j] = integral_{xa}^{xb} max(0, 1 - |x - j|) dx,

with [xa, xb] the x-extent of bin q (likewise for y). Only cells whose tent overlaps the box can have a
non-zero weight, so each box is restricted to a window of Ly x Lx cells (the largest box extent in cells
plus 2, at most the map size, computed once per call). Each window is placed inside the map (cells of the
window that the box does not reach get weight 0), so every window row is one contiguous run of Lx*C values
of the channels-last map: the windows are gathered once as K*Ly such runs and contracted with the two small
weight tensors (two batched matmuls). Gradients flow to the features and to the roi coordinates.

Box convention: rois are (K, 5) rows (batch_index, x0, y0, x1, y1) in input-image pixels (0-based), which
are multiplied by ``spatial_scale`` to obtain feature-map coordinates. The roi size is clamped at >= 0;
a bin of zero area yields 0. This matches ``PrRoIPool2D`` of vacancy/PreciseRoIPooling (FCOT spec §1.10).
"""

import torch
import torch.nn as nn

__all__ = ['PrRoIPool2D', 'prroi_pool2d']


def _tent_antiderivative(t):
    """Integral of max(0, 1 - |u|) for u from -inf to t (elementwise, piecewise quadratic, in [0, 1])."""
    a = t.clamp(-1.0, 0.0)
    b = t.clamp(0.0, 1.0)
    return 0.5 * (a + 1.0) * (a + 1.0) + b - 0.5 * b * b


def _window(start, end, size):
    """Cells whose tent can overlap [start, end] (feature cells) along one axis of ``size`` cells.

    Only cells 0..size-1 exist (outside samples are 0), so the roi is clipped to [-1, size] first.
    Returns first (K,) int64 (may be -1 or size) and the number of cells from there, (K,) int64.
    """
    first = torch.floor(start.detach().clamp(-1.0, float(size))).long()
    last = torch.floor(end.detach().clamp(-1.0, float(size))).long() + 1
    return first, last - first + 1


def _axis_weights(start, bin_size, num_bins, size, first, length):
    """Window start and tent-integral weights along one axis.

    Args:
        start: (K,) first coordinate of each roi in feature-map cells.
        bin_size: (K,) bin extent in cells (>= 0).
        num_bins: number of bins along this axis.
        size: feature-map extent along this axis (H or W).
        first: (K,) int64 first cell each roi needs (from ``_window``).
        length: window length L (python int, the same for all rois, L <= size).

    Returns:
        win_start: (K,) int64, first cell of the window, with 0 <= win_start <= size - L. The window
            win_start + arange(L) contains every cell in [0, size-1] that the roi needs, because it needs at
            most L consecutive cells.
        weights: (K, num_bins, L) integral of the tent of each window cell over each bin.
    """
    win_start = first.clamp(0, size - length)
    cell_pos = (win_start[:, None] + torch.arange(length, device=start.device)).to(start.dtype)   # (K, L)

    offs = torch.arange(num_bins, device=start.device, dtype=start.dtype)
    bin_lo = start[:, None] + bin_size[:, None] * offs[None, :]                       # (K, nb)
    bin_hi = bin_lo + bin_size[:, None]
    weights = (_tent_antiderivative(bin_hi[:, :, None] - cell_pos[:, None, :])
               - _tent_antiderivative(bin_lo[:, :, None] - cell_pos[:, None, :]))      # (K, nb, L)
    return win_start, weights


class _GatherRuns(torch.autograd.Function):
    """Gather runs of `run` consecutive cells (all channels) from a feature map, channels last.

    forward(features (B, C, H, W), starts (R,) int64 flat cell index b*H*W + y*W + x of each run's first cell,
    run int) -> (R, run*C): row r is features[b, :, y, x:x+run] laid out cell-major, channel-minor. Every run
    must stay inside its map row. The backward scatters (index_add) into the feature gradient; the overlapping
    strided view used by the forward would make autograd's generic backward huge.
    """

    @staticmethod
    def forward(ctx, features, starts, run):
        B, C, H, W = features.shape
        table = features.permute(0, 2, 3, 1).contiguous()        # no copy for channels_last input
        n_cells = B * H * W
        runs = table.as_strided((n_cells - run + 1, run * C), (C, 1))
        ctx.save_for_backward(starts)
        ctx.run = run
        ctx.shape = (B, C, H, W)
        return runs.index_select(0, starts)

    @staticmethod
    def backward(ctx, grad):
        starts, = ctx.saved_tensors
        B, C, H, W = ctx.shape
        grad_features = None
        if ctx.needs_input_grad[0]:
            cells = (starts[:, None] + torch.arange(ctx.run, device=starts.device)).reshape(-1)
            grad_table = grad.new_zeros((B * H * W, C))
            grad_table = grad_table.index_add(0, cells, grad.reshape(-1, C))
            grad_features = grad_table.view(B, H, W, C).permute(0, 3, 1, 2)
        return grad_features, None, None


def prroi_pool2d(features, rois, pooled_height, pooled_width, spatial_scale):
    """Precise RoI pooling.

    Args:
        features: (B, C, H, W) floating-point feature map.
        rois: (K, 5) rows (batch_index, x0, y0, x1, y1); coordinates in input-image pixels, 0-based.
        pooled_height, pooled_width: number of output bins (positive ints).
        spatial_scale: factor mapping image pixels to feature cells (e.g. 1/16).

    Returns:
        (K, C, pooled_height, pooled_width) tensor, dtype of ``features``.
    """
    if not torch.is_tensor(features) or features.dim() != 4:
        raise ValueError('features must be a (B, C, H, W) tensor, got shape {}'.format(
            tuple(features.shape) if torch.is_tensor(features) else type(features).__name__))
    if not features.is_floating_point():
        raise TypeError('features must be floating point, got dtype {}'.format(features.dtype))
    if not torch.is_tensor(rois) or rois.dim() != 2 or rois.shape[1] != 5:
        raise ValueError('rois must be a (K, 5) tensor of (batch_index, x0, y0, x1, y1), got shape {}'.format(
            tuple(rois.shape) if torch.is_tensor(rois) else type(rois).__name__))
    if rois.device != features.device:
        raise ValueError('rois are on {} but features are on {}; both must be on the same device'.format(
            rois.device, features.device))
    ph, pw = int(pooled_height), int(pooled_width)
    if ph <= 0 or pw <= 0:
        raise ValueError('pooled_height and pooled_width must be positive, got ({}, {})'.format(
            pooled_height, pooled_width))

    B, C, H, W = features.shape
    K = rois.shape[0]
    if K == 0:
        return features.new_zeros((0, C, ph, pw))

    rois = rois.to(features.dtype)
    batch_idx = rois[:, 0].detach().long()

    box = rois[:, 1:] * spatial_scale
    x0, y0 = box[:, 0], box[:, 1]
    roi_w = (box[:, 2] - x0).clamp(min=0.0)
    roi_h = (box[:, 3] - y0).clamp(min=0.0)
    bin_w = roi_w / pw
    bin_h = roi_h / ph

    first_y, len_y = _window(y0, y0 + roi_h, H)
    first_x, len_x = _window(x0, x0 + roi_w, W)
    # one host sync for everything that must be known on the host
    bmin, bmax, Ly, Lx = (int(v) for v in torch.stack(
        [batch_idx.min(), batch_idx.max(), len_y.max(), len_x.max()]).tolist())
    if bmin < 0 or bmax >= B:
        raise ValueError('rois batch indices must lie in [0, {}], got values in [{}, {}]'.format(B - 1, bmin, bmax))
    Ly, Lx = min(Ly, H), min(Lx, W)

    sy, wy = _axis_weights(y0, bin_h, ph, H, first_y, Ly)      # (K,), (K, ph, Ly)
    sx, wx = _axis_weights(x0, bin_w, pw, W, first_x, Lx)      # (K,), (K, pw, Lx)

    # Window row l of roi k is the run of Lx cells starting at (b_k, sy_k + l, sx_k).
    rows = batch_idx[:, None] * H + sy[:, None] + torch.arange(Ly, device=sy.device)   # (K, Ly)
    starts = (rows * W + sx[:, None]).reshape(-1)
    patch = _GatherRuns.apply(features, starts, Lx).view(K, Ly, Lx * C)

    area = bin_w * bin_h                                                                # (K,)
    inv_area = torch.where(area > 0, 1.0 / torch.where(area > 0, area, torch.ones_like(area)),
                           torch.zeros_like(area))
    wy = wy * inv_area[:, None, None]

    tmp = torch.bmm(wy, patch).view(K, ph, Lx, C)                                       # sum over rows
    out = torch.matmul(wx[:, None, :, :], tmp)                                          # (K, ph, pw, C)
    return out.permute(0, 3, 1, 2).contiguous()


class PrRoIPool2D(nn.Module):
    """Precise RoI pooling module: ``PrRoIPool2D(pooled_height, pooled_width, spatial_scale)``.

    forward(features, rois): features (B, C, H, W); rois (K, 5) rows (batch_index, x0, y0, x1, y1) in
    input-image pixels (0-based). Returns (K, C, pooled_height, pooled_width). See ``prroi_pool2d``.
    """

    def __init__(self, pooled_height, pooled_width, spatial_scale):
        super().__init__()
        self.pooled_height = int(pooled_height)
        self.pooled_width = int(pooled_width)
        self.spatial_scale = float(spatial_scale)

    def forward(self, features, rois):
        return prroi_pool2d(features, rois, self.pooled_height, self.pooled_width, self.spatial_scale)

    def extra_repr(self):
        return 'pooled_height={}, pooled_width={}, spatial_scale={}'.format(
            self.pooled_height, self.pooled_width, self.spatial_scale)
