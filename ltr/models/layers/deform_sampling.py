"""Modulated deformable convolution as bilinear sampling (``F.grid_sample``) + one GEMM.

Numerically the same operator as ``torchvision.ops.deform_conv2d`` (DCNv2 semantics, FCOT spec §1.9): tap
``k = i * kw + j`` of output ``(h, w)`` samples the input at ``(h*stride - pad + i*dil + dy_k,
w*stride - pad + j*dil + dx_k)`` bilinearly with corners outside the image counting as 0, multiplies it by
``mask_k`` and the taps are contracted with the weights.

Why a second implementation: torchvision's CPU kernels (forward im2col and above all the backward) run on one
thread and take ~80 % of a CPU training step; ``grid_sample`` and the GEMM are multi-threaded (3-10x faster on
CPU). On CUDA torchvision's kernel is used, which processes images in memory-bounded chunks.
"""
import torch
import torch.nn.functional as F


def deform_conv2d_sampled(x: torch.Tensor, offset: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor,
                          stride=(1, 1), padding=(1, 1), dilation=(1, 1), mask: torch.Tensor = None) -> torch.Tensor:
    """Modulated deformable convolution with one deformable group.

    Args:
        x: ``(B, C, H, W)`` with ``H, W >= 2``.
        offset: ``(B, 2*kh*kw, Ho, Wo)``, channel ``2k`` = y offset, ``2k+1`` = x offset of tap ``k``.
        weight: ``(O, C, kh, kw)``; bias: ``(O,)`` or None.
        mask: ``(B, kh*kw, Ho, Wo)`` modulation (None = 1).
    Returns:
        ``(B, O, Ho, Wo)``.
    """
    b, c, h, w = x.shape
    o, _, kh, kw = weight.shape
    ho, wo = offset.shape[-2:]
    if h < 2 or w < 2:
        raise ValueError(f"deform_conv2d_sampled needs H, W >= 2, got input {tuple(x.shape)}")
    if offset.shape[1] != 2 * kh * kw:
        raise ValueError(f"offset must have 2*kh*kw={2 * kh * kw} channels (one deformable group), "
                         f"got {offset.shape[1]}")
    dtype, device = x.dtype, x.device
    rows = (torch.arange(ho, dtype=dtype, device=device) * stride[0] - padding[0]).view(1, 1, ho, 1)
    cols = (torch.arange(wo, dtype=dtype, device=device) * stride[1] - padding[1]).view(1, 1, 1, wo)
    tap_i = (torch.arange(kh, dtype=dtype, device=device) * dilation[0]).repeat_interleave(kw).view(1, -1, 1, 1)
    tap_j = (torch.arange(kw, dtype=dtype, device=device) * dilation[1]).repeat(kh).view(1, -1, 1, 1)
    off = offset.view(b, kh * kw, 2, ho, wo)
    pos_y = rows + tap_i + off[:, :, 0]                                  # (B, K, Ho, Wo)
    pos_x = cols + tap_j + off[:, :, 1]
    # align_corners=True maps -1..1 exactly onto pixel centres 0..size-1; zeros padding = corners outside are 0.
    grid = torch.stack((pos_x * (2.0 / (w - 1)) - 1.0, pos_y * (2.0 / (h - 1)) - 1.0), dim=-1)
    samples = F.grid_sample(x, grid.view(b, kh * kw * ho, wo, 2), mode='bilinear', padding_mode='zeros',
                            align_corners=True)                          # (B, C, K*Ho, Wo)
    samples = samples.view(b, c, kh * kw, ho * wo)
    if mask is not None:
        samples = samples * mask.view(b, 1, kh * kw, ho * wo)
    out = torch.matmul(weight.reshape(o, c * kh * kw), samples.view(b, c * kh * kw, ho * wo))
    if bias is not None:
        out = out + bias.view(1, o, 1)
    return out.view(b, o, ho, wo)
