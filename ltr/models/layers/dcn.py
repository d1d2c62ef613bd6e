"""Modulated deformable convolution (DCNv2) with the parameter names of the official ``DCNv2`` package.

``DCN`` predicts its own offsets and modulation mask with a plain convolution ``conv_offset_mask`` and then
applies the deformable convolution (pure PyTorch / torchvision, CPU and CUDA, differentiable): on CUDA
``torchvision.ops.deform_conv2d``; on CPU the numerically equivalent, multi-threaded
:func:`~ltr.models.layers.deform_sampling.deform_conv2d_sampled` (``DCN.implementation`` chooses).
Semantics follow FCOT spec §1.9.
"""

import math

import torch
import torch.nn as nn
from torch.nn.modules.utils import _pair
from torchvision.ops import deform_conv2d

from ltr.models.layers.deform_sampling import deform_conv2d_sampled

__all__ = ['DCN']


class DCN(nn.Module):
    """Modulated deformable convolution v2: ``DCN(in_channels, out_channels, kernel_size, stride, padding,
    dilation=1, deformable_groups=1)``.

    Parameters (names as in the official DCNv2 state dicts):
        weight: (out_channels, in_channels, kh, kw)
        bias: (out_channels,)
        conv_offset_mask: nn.Conv2d(in_channels, deformable_groups * 3 * kh * kw, kernel_size, stride,
            padding, bias=True); both of its tensors are zero-initialized, so a fresh DCN behaves like a regular
            convolution whose taps are scaled by sigmoid(0) = 0.5.

    Forward, x: (B, in_channels, H, W) -> (B, out_channels, H_out, W_out), with
    H_out = (H + 2*pad_h - dil_h*(kh-1) - 1) // stride_h + 1 (likewise for W):
        o = conv_offset_mask(x)                      # (B, 3*G*kh*kw, H_out, W_out), G = deformable_groups
        o1, o2, m = chunk(o, 3, dim=1)
        offset = cat(o1, o2)                         # (B, 2*G*kh*kw, H_out, W_out)
        mask = sigmoid(m)                            # (B, G*kh*kw, H_out, W_out)

    Offset convention ((y, x) interleave): within deformable group g, channel g*2*kh*kw + 2*k is the y (row)
    offset and channel g*2*kh*kw + 2*k + 1 is the x (column) offset of kernel tap k = i*kw + j; mask channel
    g*kh*kw + k belongs to tap k. Tap k of output (h, w) samples x at
    (h*stride_h - pad_h + i*dil_h + dy, w*stride_w - pad_w + j*dil_w + dx) with bilinear interpolation (corners
    outside the image count as 0; the sample is 0 unless -1 < y < H and -1 < x < W), multiplies it by the mask,
    and out = bias + sum(weight * masked samples).

    As in the official DCNv2, ``conv_offset_mask`` has no dilation, so ``dilation > 1`` with a kernel larger than
    1 gives offsets of the wrong spatial size (torchvision then raises); FCOT only uses dilation 1.
    """

    #: ``'auto'`` (torchvision on CUDA, sampling + GEMM on CPU), ``'torchvision'`` or ``'sampled'``.
    implementation = 'auto'

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation=1, deformable_groups=1):
        super().__init__()
        if in_channels <= 0 or out_channels <= 0:
            raise ValueError('in_channels and out_channels must be positive, got ({}, {})'.format(
                in_channels, out_channels))
        if deformable_groups <= 0 or in_channels % deformable_groups != 0:
            raise ValueError('deformable_groups must be a positive divisor of in_channels={}, got {}'.format(
                in_channels, deformable_groups))
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _pair(kernel_size)
        self.stride = _pair(stride)
        self.padding = _pair(padding)
        self.dilation = _pair(dilation)
        self.deformable_groups = deformable_groups

        kh, kw = self.kernel_size
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, kh, kw))
        self.bias = nn.Parameter(torch.empty(out_channels))
        self.conv_offset_mask = nn.Conv2d(in_channels, deformable_groups * 3 * kh * kw,
                                          kernel_size=self.kernel_size, stride=self.stride,
                                          padding=self.padding, bias=True)
        self.reset_parameters()

    def reset_parameters(self):
        """DCNv2 initialization: weight ~ U(+-1/sqrt(in*kh*kw)), bias 0, offset/mask predictor all zeros."""
        kh, kw = self.kernel_size
        stdv = 1.0 / math.sqrt(self.in_channels * kh * kw)
        with torch.no_grad():
            self.weight.uniform_(-stdv, stdv)
            self.bias.zero_()
            self.conv_offset_mask.weight.zero_()
            self.conv_offset_mask.bias.zero_()

    def forward(self, x):
        if x.dim() != 4 or x.shape[1] != self.in_channels:
            raise ValueError('DCN expects input of shape (B, {}, H, W), got {}'.format(
                self.in_channels, tuple(x.shape)))
        o = self.conv_offset_mask(x)
        o1, o2, m = torch.chunk(o, 3, dim=1)
        offset = torch.cat((o1, o2), dim=1)
        mask = torch.sigmoid(m)
        if self._use_sampled(x):
            return deform_conv2d_sampled(x, offset, self.weight, self.bias, stride=self.stride, padding=self.padding,
                                         dilation=self.dilation, mask=mask)
        return deform_conv2d(x, offset, self.weight, self.bias, stride=self.stride, padding=self.padding,
                             dilation=self.dilation, mask=mask)

    def _use_sampled(self, x):
        impl = self.implementation
        if impl not in ('auto', 'torchvision', 'sampled'):
            raise ValueError(f"DCN.implementation={impl!r}; allowed: 'auto', 'torchvision', 'sampled'")
        supported = self.deformable_groups == 1 and x.shape[-2] >= 2 and x.shape[-1] >= 2
        if impl == 'sampled' and not supported:
            raise ValueError("DCN.implementation='sampled' needs deformable_groups=1 and an input of at least 2x2, "
                             f"got deformable_groups={self.deformable_groups}, input {tuple(x.shape)}")
        return impl == 'sampled' or (impl == 'auto' and supported and x.device.type == 'cpu')

    def extra_repr(self):
        return ('{in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}, padding={padding}, '
                'dilation={dilation}, deformable_groups={deformable_groups}').format(**self.__dict__)
