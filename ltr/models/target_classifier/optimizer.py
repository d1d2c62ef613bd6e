"""DiMP's steepest-descent (Gauss-Newton step length) optimizer of the target classification filter."""
import math
from typing import List, Optional, Tuple

import torch
import torch.nn as nn

from ltr.models.layers import filter as filter_layer
from ltr.models.layers.activation import LeakyReluPar, LeakyReluParDeriv
from ltr.models.layers.distance import DistanceMap


class DiMPSteepestDescentGN(nn.Module):
    """Optimise a correlation filter ``f`` for the discriminative loss of DiMP.

    Learned parameters: ``log_step_length``, ``filter_reg`` and three 1x1 convolutions over a binned
    distance map (``label_map_predictor`` -> label y, ``target_mask_predictor`` (+sigmoid) -> mask m,
    ``spatial_weight_predictor`` -> spatial weight v).

    One iteration with ``lambda = max(filter_reg^2, min_filter_reg^2)`` and ``beta = exp(log_step_length)``::

        s = X * f;  r = w (act(s; m) - y);  q = act'(s; m)
        g = X^T (q w r) + lambda f;  h = w q (X * g)
        alpha = |g|^2 / max(|h|^2 + lambda |g|^2, 1e-8)     (per sequence)
        f <- f - beta alpha g

    with ``w = sqrt(sample_weight) v`` (``sample_weight`` defaults to ``1 / num_images``).
    """

    def __init__(self, num_iter: int = 1, feat_stride: int = 16, init_step_length: float = 1.0,
                 init_filter_reg: float = 1e-2, init_gauss_sigma: float = 1.0, num_dist_bins: int = 5,
                 bin_displacement: float = 1.0, mask_init_factor: float = 4.0, score_act: str = 'relu',
                 act_param=None, min_filter_reg: float = 1e-3, mask_act: str = 'sigmoid',
                 detach_length: float = float('Inf'), alpha_eps: float = 0.0):
        super().__init__()
        if score_act != 'relu':
            raise ValueError(f"score_act={score_act!r} is not supported; FCOT uses 'relu' (parametric leaky ReLU)")
        if mask_act != 'sigmoid':
            raise ValueError(f"mask_act={mask_act!r} is not supported; FCOT uses 'sigmoid'")
        self.num_iter = num_iter
        self.feat_stride = feat_stride
        self.log_step_length = nn.Parameter(math.log(init_step_length) * torch.ones(1))
        self.filter_reg = nn.Parameter(init_filter_reg * torch.ones(1))
        self.distance_map = DistanceMap(num_dist_bins, bin_displacement)
        self.min_filter_reg = min_filter_reg
        self.detach_length = detach_length
        self.alpha_eps = alpha_eps

        d = torch.arange(num_dist_bins, dtype=torch.float32).reshape(1, -1, 1, 1) * bin_displacement
        self.label_map_predictor = nn.Conv2d(num_dist_bins, 1, kernel_size=1, bias=False)
        if init_gauss_sigma == 0:
            init_gauss = torch.zeros_like(d)
            init_gauss[0, 0, 0, 0] = 1
        else:
            init_gauss = torch.exp(-0.5 * (d / init_gauss_sigma) ** 2)
        self.label_map_predictor.weight.data = init_gauss - init_gauss.min()
        self.target_mask_predictor = nn.Sequential(nn.Conv2d(num_dist_bins, 1, kernel_size=1, bias=False), nn.Sigmoid())
        self.target_mask_predictor[0].weight.data = mask_init_factor * torch.tanh(2.0 - d)
        self.spatial_weight_predictor = nn.Conv2d(num_dist_bins, 1, kernel_size=1, bias=False)
        self.spatial_weight_predictor.weight.data.fill_(1.0)
        self.score_activation = LeakyReluPar()
        self.score_activation_deriv = LeakyReluParDeriv()

    @staticmethod
    def score_size(filter_size, feat_size) -> Tuple[int, int]:
        """``(H', W')`` of the score grid of a ``filter_size`` filter over ``feat_size`` features (an even filter
        gives one more row/column)."""
        return (int(feat_size[0]) + (int(filter_size[0]) + 1) % 2, int(feat_size[1]) + (int(filter_size[1]) + 1) % 2)

    def label_mask_weight(self, bb: torch.Tensor, filter_size, feat_size) -> Tuple[torch.Tensor, ...]:
        """Label ``y``, mask ``m`` and spatial weight ``v`` for boxes ``bb (num_images, num_sequences, 4)``
        ``[x, y, w, h]`` (input pixels) on the score grid of a ``filter_size`` filter over ``feat_size`` features.
        Each output: ``(num_images, num_sequences, H', W')``."""
        num_images, num_sequences = bb.shape[0], bb.shape[1]
        output_sz = self.score_size(filter_size, feat_size)
        dmap_offset = (torch.tensor([filter_size[0], filter_size[1]], dtype=bb.dtype, device=bb.device) % 2) / 2.0
        center = ((bb[..., :2] + bb[..., 2:] / 2) / self.feat_stride).reshape(-1, 2).flip((1,)) - dmap_offset
        dist_map = self.distance_map(center, output_sz)
        shape = (num_images, num_sequences) + output_sz
        label_map = self.label_map_predictor(dist_map).reshape(shape)
        target_mask = self.target_mask_predictor(dist_map).reshape(shape)
        spatial_weight = self.spatial_weight_predictor(dist_map).reshape(shape)
        return label_map, target_mask, spatial_weight

    def forward(self, weights: torch.Tensor, feat: torch.Tensor, bb: torch.Tensor,
                sample_weight: Optional[torch.Tensor] = None, num_iter: Optional[int] = None,
                compute_losses: bool = True, label_mask_weight: Optional[Tuple[torch.Tensor, ...]] = None
                ) -> Tuple[torch.Tensor, List[torch.Tensor], List[torch.Tensor]]:
        """Run ``num_iter`` steepest-descent iterations.

        Args:
            weights: initial filter ``(num_sequences, C, fH, fW)``.
            feat: ``(num_images, num_sequences, C, H, W)``.
            bb: ``(num_images, num_sequences, 4)`` boxes ``[x, y, w, h]`` in input-image pixels.
            sample_weight: per-image weights ``(num_images,)`` or ``(num_images, num_sequences)``
                (e.g. sample-memory weights summing to 1); default ``1 / num_images``.
            num_iter: overrides ``self.num_iter``.
            compute_losses: also return the loss before every step and after the last one.
            label_mask_weight: ``label_mask_weight(bb, ...)`` computed earlier for these boxes (the tracker keeps
                them per memory slot: they depend only on the box); None computes them here.
        Returns:
            ``(final_filter, iterates, losses)`` where ``iterates = [f_0, ..., f_K]``.
        """
        num_iter = self.num_iter if num_iter is None else num_iter
        num_images, num_sequences = feat.shape[0], feat.shape[1]
        filter_sz = (weights.shape[-2], weights.shape[-1])
        step_length_factor = torch.exp(self.log_step_length)
        reg_weight = (self.filter_reg * self.filter_reg).clamp(min=self.min_filter_reg ** 2)

        if label_mask_weight is None:
            label_map, target_mask, spatial_weight = self.label_mask_weight(bb, filter_sz, feat.shape[-2:])
        else:
            label_map, target_mask, spatial_weight = label_mask_weight
            expected = (num_images, num_sequences) + self.score_size(filter_sz, feat.shape[-2:])
            if any(tuple(m.shape) != expected for m in label_mask_weight):
                raise ValueError(f"label_mask_weight shapes {[tuple(m.shape) for m in label_mask_weight]}; "
                                 f"expected 3 x {expected}")
        if sample_weight is None:
            sample_weight = math.sqrt(1.0 / num_images) * spatial_weight
        else:
            sample_weight = torch.as_tensor(sample_weight, dtype=feat.dtype, device=feat.device)
            if sample_weight.numel() not in (num_images, num_images * num_sequences):
                raise ValueError(f"sample_weight has {sample_weight.numel()} elements; expected num_images={num_images} "
                                 f"or num_images*num_sequences={num_images * num_sequences}")
            sample_weight = sample_weight.sqrt().reshape(num_images, -1, 1, 1) * spatial_weight

        weight_iterates = [weights]
        losses = []
        for i in range(num_iter):
            if i > 0 and i % self.detach_length == 0:
                weights = weights.detach()
            scores = filter_layer.apply_filter(feat, weights)
            scores_act = self.score_activation(scores, target_mask)
            score_mask = self.score_activation_deriv(scores, target_mask)
            residuals = sample_weight * (scores_act - label_map)
            if compute_losses:
                losses.append(self._loss(residuals, reg_weight, weights, num_sequences))
            residuals_mapped = score_mask * (sample_weight * residuals)
            weights_grad = filter_layer.apply_feat_transpose(feat, residuals_mapped, filter_sz) + reg_weight * weights
            scores_grad = sample_weight * (score_mask * filter_layer.apply_filter(feat, weights_grad))
            alpha_num = (weights_grad * weights_grad).reshape(num_sequences, -1).sum(dim=1)
            alpha_den = ((scores_grad * scores_grad).permute(1, 0, 2, 3).reshape(num_sequences, -1).sum(dim=1)
                         + (reg_weight + self.alpha_eps) * alpha_num).clamp(min=1e-8)
            alpha = alpha_num / alpha_den
            weights = weights - (step_length_factor * alpha.reshape(-1, 1, 1, 1)) * weights_grad
            weight_iterates.append(weights)

        if compute_losses:
            scores = filter_layer.apply_filter(feat, weights)
            residuals = sample_weight * (self.score_activation(scores, target_mask) - label_map)
            losses.append(self._loss(residuals, reg_weight, weights, num_sequences))
        return weights, weight_iterates, losses

    @staticmethod
    def _loss(residuals, reg_weight, weights, num_sequences):
        return ((residuals * residuals).sum() + reg_weight * (weights * weights).sum()) / num_sequences
