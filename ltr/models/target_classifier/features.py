"""Classification feature heads of FCOT's two classifiers."""
import math

import torch.nn as nn

from ltr.models.layers.blocks import deformable_head
from ltr.models.layers.normalization import InstanceL2Norm


def clf18_norm_scale(out_dim: int, filter_size: int) -> float:
    """InstanceL2Norm scale of the stride-16 classifier features: ``sqrt(1 / (out_dim * fs^2))``."""
    return math.sqrt(1.0 / (out_dim * filter_size * filter_size))


def clf72_norm_scale(out_dim: int, filter_size: int, norm_scale_coef: float) -> float:
    """InstanceL2Norm scale of the stride-4 classifier features: ``sqrt(coef / (out_dim * fs^2))``
    (0.0220971 for coef 2.0, 0.0191366 for coef 1.5 with 256 channels and fs 4)."""
    return math.sqrt(norm_scale_coef / (out_dim * filter_size * filter_size))


def clf_head_18(input_dim: int = 1024, out_dim: int = 512, norm_scale: float = 1.0) -> nn.Sequential:
    """DiMP-50 classification head (no residual blocks): ``conv3x3 (no bias) -> InstanceL2Norm``.

    ``(N, input_dim, 18, 18) -> (N, out_dim, 18, 18)``; state_dict key ``0.weight``.
    """
    return nn.Sequential(nn.Conv2d(input_dim, out_dim, kernel_size=3, padding=1, bias=False),
                         InstanceL2Norm(scale=norm_scale))


def clf_head_72(input_dim: int = 256, inner_dim: int = 128, out_dim: int = 256, norm_scale: float = 1.0,
                num_groups: int = 32, deformable: bool = True) -> nn.Sequential:
    """Stride-4 classification head: ``conv3x3 (bias) -> GN -> ReLU -> DCN -> GN -> ReLU -> DCN -> InstanceL2Norm``.

    ``(N, input_dim, 72, 72) -> (N, out_dim, 72, 72)``; no activation after the last DCN.
    """
    return deformable_head(input_dim, inner_dim, out_dim, first_conv_bias=True,
                           final=InstanceL2Norm(scale=norm_scale), num_groups=num_groups,
                           deformable=deformable)
