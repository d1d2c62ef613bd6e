"""Initial target-filter predictors (pool the target region of the training features)."""
import math

import torch
import torch.nn as nn

from ltr.models.layers.prroi_pool import PrRoIPool2D


def xywh_to_rois(bb: torch.Tensor) -> torch.Tensor:
    """``(N, 4)`` boxes ``[x, y, w, h]`` -> ``(N, 5)`` rois ``[batch_index, x0, y0, x1, y1]`` (row i -> batch i)."""
    bb = bb.reshape(-1, 4)
    idx = torch.arange(bb.shape[0], dtype=bb.dtype, device=bb.device).reshape(-1, 1)
    return torch.cat((idx, bb[:, :2], bb[:, :2] + bb[:, 2:]), dim=1)


class FilterPool(nn.Module):
    """PrRoIPool the target box of every image to a ``filter_size x filter_size`` map.

    Args (forward):
        feat: ``(N, C, H, W)`` with ``N = num_images * num_sequences``.
        bb: ``(N, 4)`` or ``(num_images, num_sequences, 4)`` boxes ``[x, y, w, h]`` in input-image pixels.
    Returns ``(N, C, filter_size, filter_size)``.
    """

    def __init__(self, filter_size: int = 1, feature_stride: int = 16, pool_square: bool = False):
        super().__init__()
        self.prroi_pool = PrRoIPool2D(filter_size, filter_size, 1.0 / feature_stride)
        self.pool_square = pool_square

    def forward(self, feat: torch.Tensor, bb: torch.Tensor) -> torch.Tensor:
        bb = bb.reshape(-1, 4)
        if self.pool_square:
            side = torch.sqrt(bb[:, 2] * bb[:, 3]).reshape(-1, 1)
            bb = torch.cat((bb[:, :2] + bb[:, 2:] / 2 - side / 2, side, side), dim=1)
        return self.prroi_pool(feat, xywh_to_rois(bb))


class FilterInitializerLinear(nn.Module):
    """``filter_conv`` (3x3 with bias) followed by :class:`FilterPool`, averaged over the images of a sequence.

    Args (forward):
        feat: ``(num_images, num_sequences, C, H, W)``.
        bb: ``(num_images, num_sequences, 4)`` boxes ``[x, y, w, h]``, input-image pixels.
    Returns ``(num_sequences, C, filter_size, filter_size)``.
    """

    def __init__(self, filter_size: int = 1, feature_dim: int = 256, feature_stride: int = 16,
                 pool_square: bool = False, filter_norm: bool = False, conv_ksz: int = 3):
        super().__init__()
        self.filter_conv = nn.Conv2d(feature_dim, feature_dim, kernel_size=conv_ksz, padding=conv_ksz // 2)
        self.filter_pool = FilterPool(filter_size=filter_size, feature_stride=feature_stride, pool_square=pool_square)
        self.filter_norm = filter_norm
        n = conv_ksz * conv_ksz * feature_dim
        self.filter_conv.weight.data.normal_(0, math.sqrt(2.0 / n))
        self.filter_conv.bias.data.zero_()

    def forward(self, feat: torch.Tensor, bb: torch.Tensor) -> torch.Tensor:
        num_images, num_sequences = bb.shape[0], bb.shape[1]
        feat = self.filter_conv(feat.reshape(-1, *feat.shape[-3:]))
        weights = self.filter_pool(feat, bb)
        weights = weights.reshape(num_images, num_sequences, *weights.shape[-3:]).mean(dim=0)
        if self.filter_norm:
            weights = weights / (weights.shape[1] * weights.shape[2] * weights.shape[3])
        return weights
