"""Small convolutional heads built from conv / GroupNorm / deformable conv."""
import math

import torch.nn as nn

from ltr.models.layers.dcn import DCN


def deformable_head(in_dim: int, inner_dim: int, out_dim: int, first_conv_bias: bool,
                    final: nn.Module, num_groups: int = 32, deformable: bool = True) -> nn.Sequential:
    """``conv3x3 -> GN -> ReLU -> DCN -> GN -> ReLU -> DCN -> final`` (Sequential indices 0..7).

    Used by the 72-classifier feature head (``final`` = InstanceL2Norm, conv with bias) and by the
    regression heads and initializers (``final`` = ReLU, conv without bias).
    Input ``(N, in_dim, H, W)`` -> output ``(N, out_dim, H, W)``.

    ``deformable=False`` (not official) puts plain 3x3 convolutions with bias where the DCNs are: the same head
    without learned sampling offsets, several times cheaper on the CPU (used by FCOT-tiny).
    """
    def conv_3x3(cin, cout):
        if deformable:
            return DCN(cin, cout, kernel_size=3, stride=1, padding=1, dilation=1, deformable_groups=1)
        return nn.Conv2d(cin, cout, kernel_size=3, padding=1, bias=True)

    return nn.Sequential(
        nn.Conv2d(in_dim, inner_dim, kernel_size=3, padding=1, bias=first_conv_bias),
        nn.GroupNorm(num_groups, inner_dim),
        nn.ReLU(inplace=True),
        conv_3x3(inner_dim, inner_dim),
        nn.GroupNorm(num_groups, inner_dim),
        nn.ReLU(inplace=True),
        conv_3x3(inner_dim, out_dim),
        final)


def init_conv_normal_(module: nn.Module) -> None:
    """Re-initialise every ``nn.Conv2d`` inside ``module`` with N(0, sqrt(2 / (k*k*out))), bias 0 (DiMP's
    scheme; this includes DCN offset/mask convs but not the DCN main weights). GroupNorm: weight 1, bias 0."""
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            n = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
            m.weight.data.normal_(0, math.sqrt(2.0 / n))
            if m.bias is not None:
                m.bias.data.zero_()
        elif isinstance(m, (nn.GroupNorm, nn.BatchNorm2d)):
            m.weight.data.fill_(1)
            m.bias.data.zero_()
