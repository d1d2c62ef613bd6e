"""FPN-style decoder blocks that lift stride-16 features to stride 8 and 4 ("pyramid" in FCOT)."""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F


class FPNUpBlock(nn.Module):
    """One decoder step: ``res_conv(x_backbone) [+ upsample2x(x)]`` [then a 3x3 smoothing conv].

    Args:
        res_channels: channels of the backbone feature merged at this level.
        planes: output channels (256 in FCOT).
        smooth_output: add ``pyramid_conv`` (3x3, with bias) after the sum.
        first_conv: the top block: only ``res_conv`` of the backbone feature, no upsampled input.

    Forward:
        x: ``(N, planes, H/2, W/2)`` coarser decoder feature (ignored when ``first_conv``);
        x_backbone: ``(N, res_channels, H, W)``.
        Returns ``(N, planes, H, W)``. Upsampling is bilinear, ``align_corners=False``, factor 2.
        There is no normalisation and no activation.
    """

    def __init__(self, res_channels: int, planes: int = 256, smooth_output: bool = False, first_conv: bool = False):
        super().__init__()
        self.first_conv = first_conv
        self.smooth_output = smooth_output
        self.res_conv = nn.Conv2d(res_channels, planes, kernel_size=1, bias=True)
        if smooth_output:
            self.pyramid_conv = nn.Conv2d(planes, planes, kernel_size=3, padding=1, bias=True)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_uniform_(m.weight, a=1)
                nn.init.zeros_(m.bias)

    def forward(self, x: Optional[torch.Tensor], x_backbone: torch.Tensor) -> torch.Tensor:
        r = self.res_conv(x_backbone)
        if self.first_conv:
            return r
        s = F.interpolate(x, scale_factor=2, mode='bilinear', align_corners=False) + r
        return self.pyramid_conv(s) if self.smooth_output else s

