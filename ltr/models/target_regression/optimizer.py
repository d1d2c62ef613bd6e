"""Steepest-descent optimizer of the online regression model (paper Eq. 4-5, Appendix A)."""
import math
from typing import List, Optional, Tuple

import torch
import torch.nn as nn

from ltr.models.layers import filter as filter_layer
from ltr.models.target_regression.label import generate_w2h2_label


class RegSteepestDescentGN(nn.Module):
    """Refine a multi-channel regression filter ``f (num_sequences, 4, C, k, k)`` on annotated frames.

    With targets ``T`` and mask ``M`` from :func:`generate_w2h2_label`, ``lambda = max(filter_reg^2,
    min_filter_reg^2)``, ``beta = exp(log_step_length)`` and per-image weight ``w`` (``sqrt(1/num_images)``
    unless ``sample_weight`` is given, then ``sqrt(sample_weight)``)::

        s = X * f (linear, no ReLU);  r = w M (s - T);  g = X^T (w r) + lambda f
        h = w (X * g)            (not masked: all 4 x H x W outputs)
        alpha = |g|^2 / max(|h|^2 + lambda |g|^2, 1e-8)     (per sequence)
        f <- f - beta alpha g

    Args:
        transposed_label: official label placement (row = x-cell); ``False`` is the geometric fix.
    """

    def __init__(self, num_iter: int = 1, feat_stride: int = 4, init_step_length: float = 1.0,
                 init_filter_reg: float = 1e-2, min_filter_reg: float = 1e-3, detach_length: float = float('Inf'),
                 radius: int = 0, transposed_label: bool = True):
        super().__init__()
        self.num_iter = num_iter
        self.feat_stride = feat_stride
        self.log_step_length = nn.Parameter(math.log(init_step_length) * torch.ones(1))
        self.filter_reg = nn.Parameter(init_filter_reg * torch.ones(1))
        self.min_filter_reg = min_filter_reg
        self.detach_length = detach_length
        self.radius = radius
        self.transposed_label = transposed_label

    def forward(self, weights: torch.Tensor, feat: torch.Tensor, bb: torch.Tensor,
                sample_weight: Optional[torch.Tensor] = None, num_iter: Optional[int] = None,
                compute_losses: bool = True) -> Tuple[torch.Tensor, List[torch.Tensor], List[torch.Tensor]]:
        """Args:
            weights: ``(num_sequences, 4, C, k, k)``.
            feat: ``(num_images, num_sequences, C, H, W)`` regression features (square maps).
            bb: ``(num_images, num_sequences, 4)`` (or ``(num_images * num_sequences, 4)``) boxes
                ``[x, y, w, h]`` in input-image pixels.
        Returns:
            ``(final_filter, [f_0, ..., f_K], losses)``.
        """
        num_iter = self.num_iter if num_iter is None else num_iter
        num_images, num_sequences = feat.shape[0], feat.shape[1]
        filter_sz = (weights.shape[-2], weights.shape[-1])
        step_length_factor = torch.exp(self.log_step_length)
        reg_weight = (self.filter_reg * self.filter_reg).clamp(min=self.min_filter_reg ** 2)

        label, mask = generate_w2h2_label(bb.reshape(-1, 4), feat.shape[-1], self.feat_stride, self.radius,
                                          transposed=self.transposed_label)
        label = label.reshape(num_images, num_sequences, *label.shape[-3:])
        mask = mask.reshape(num_images, num_sequences, *mask.shape[-3:])
        if sample_weight is None:
            sw = feat.new_full((1, 1, 1, 1, 1), math.sqrt(1.0 / num_images))
        else:
            sample_weight = torch.as_tensor(sample_weight, dtype=feat.dtype, device=feat.device)
            if sample_weight.numel() not in (num_images, num_images * num_sequences):
                raise ValueError(f"sample_weight has {sample_weight.numel()} elements; expected num_images={num_images} "
                                 f"or num_images*num_sequences={num_images * num_sequences}")
            sw = sample_weight.sqrt().reshape(num_images, -1, 1, 1, 1)

        weight_iterates = [weights]
        losses = []
        for i in range(num_iter):
            if i > 0 and i % self.detach_length == 0:
                weights = weights.detach()
            scores = filter_layer.apply_filter(feat, weights)
            residuals = sw * mask * (scores - label)
            if compute_losses:
                losses.append(self._loss(residuals, reg_weight, weights, num_sequences))
            weights_grad = filter_layer.apply_feat_transpose(feat, sw * residuals, filter_sz) + reg_weight * weights
            scores_grad = sw * filter_layer.apply_filter(feat, weights_grad)
            alpha_num = (weights_grad * weights_grad).reshape(num_sequences, -1).sum(dim=1)
            alpha_den = ((scores_grad * scores_grad).transpose(0, 1).reshape(num_sequences, -1).sum(dim=1)
                         + reg_weight * alpha_num).clamp(min=1e-8)
            alpha = alpha_num / alpha_den
            weights = weights - (step_length_factor * alpha.reshape(-1, 1, 1, 1, 1)) * weights_grad
            weight_iterates.append(weights)

        if compute_losses:
            residuals = sw * mask * (filter_layer.apply_filter(feat, weights) - label)
            losses.append(self._loss(residuals, reg_weight, weights, num_sequences))
        return weights, weight_iterates, losses

    @staticmethod
    def _loss(residuals, reg_weight, weights, num_sequences):
        return ((residuals * residuals).sum() + reg_weight * (weights * weights).sum()) / num_sequences
