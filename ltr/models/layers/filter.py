"""Correlation filters applied to batches of feature maps, and their adjoint.

Conventions (shared by the classifiers and the regressor):

* features ``feat``: ``(num_images, num_sequences, C, H, W)``; a 4-D tensor is read as
  ``(num_images, C, H, W)`` with one sequence;
* single filter: ``(num_sequences, C, k, k)`` -> scores ``(num_images, num_sequences, H', W')``;
* multi filter: ``(num_sequences, F, C, k, k)`` -> scores ``(num_images, num_sequences, F, H', W')``.

The filter is applied as a cross-correlation with zero padding ``k // 2`` (as ``F.conv2d``): an even filter
size grows the map by one (72 -> 73 for a 4x4 filter), an odd one keeps it.

Implementation: the channel contraction is one batched GEMM per sequence that produces one map per filter
tap, ``Y[tap] = W[:, tap]^T X``; the ``k*k`` tap maps are then shifted and summed. For the online
optimisation (one output channel, hundreds of input channels, 4x4 or 3x3 kernels) this is several times
faster than ``F.conv2d`` on CPU and GPU, and the adjoint uses the same GEMM the other way round.
"""
from typing import Tuple

import torch
import torch.nn.functional as F


def _as_5d(feat: torch.Tensor) -> torch.Tensor:
    if feat.dim() == 4:
        return feat.unsqueeze(1)
    if feat.dim() != 5:
        raise ValueError(f"features must be 4-D (images, C, H, W) or 5-D (images, sequences, C, H, W), "
                         f"got shape {tuple(feat.shape)}")
    return feat


def _pair(filter_sz) -> Tuple[int, int]:
    return (filter_sz, filter_sz) if isinstance(filter_sz, int) else (int(filter_sz[0]), int(filter_sz[1]))


def apply_filter(feat: torch.Tensor, filter: torch.Tensor) -> torch.Tensor:
    """Correlate every image of every sequence with that sequence's filter(s).

    Args:
        feat: ``(num_images, num_sequences, C, H, W)`` (or 4-D with one sequence).
        filter: ``(num_sequences, C, kh, kw)`` or ``(num_sequences, F, C, kh, kw)``.
    Returns:
        ``(num_images, num_sequences, H', W')`` or ``(num_images, num_sequences, F, H', W')`` with
        ``H' = H + 2 * (kh // 2) - kh + 1``.
    """
    feat = _as_5d(feat)
    n_img, n_seq, c, h, w = feat.shape
    multi = filter.dim() == 5
    if filter.dim() not in (4, 5) or filter.shape[0] != n_seq or filter.shape[-3] != c:
        raise ValueError(f"filter of shape {tuple(filter.shape)} does not fit features {tuple(feat.shape)}: "
                         f"expected (num_sequences={n_seq}, [F,] C={c}, kh, kw)")
    f = filter if multi else filter.unsqueeze(1)
    num_filters, kh, kw = f.shape[1], f.shape[-2], f.shape[-1]
    ph, pw = kh // 2, kw // 2
    ho, wo = h + 2 * ph - kh + 1, w + 2 * pw - kw + 1
    # (1, S, F*kh*kw, C) @ (I, S, C, H*W) -> one map per (filter, tap)
    wmat = f.permute(0, 1, 3, 4, 2).reshape(1, n_seq, num_filters * kh * kw, c)
    taps = torch.matmul(wmat, feat.reshape(n_img, n_seq, c, h * w))
    n = n_img * n_seq * num_filters
    taps = F.pad(taps.reshape(n * kh * kw, 1, h, w), (pw, pw, ph, ph))
    # (kh*kw, I*S*F, H+2ph, W+2pw): tap t = u*kw + v is one 3-D view (cheap to slice; the tap maps are summed in
    # the order u, v as before, so the scores are the same bit for bit)
    taps = taps.reshape(n, kh * kw, h + 2 * ph, w + 2 * pw).transpose(0, 1)
    out = taps[0, :, 0:ho, 0:wo]
    for t in range(1, kh * kw):
        u, v = divmod(t, kw)
        out = out + taps[t, :, u:u + ho, v:v + wo]
    out = out.reshape(n_img, n_seq, num_filters, ho, wo)
    return out if multi else out[:, :, 0]


def apply_feat_transpose(feat: torch.Tensor, activation: torch.Tensor, filter_sz, training: bool = True) -> torch.Tensor:
    """Adjoint of :func:`apply_filter` with respect to the filter, summed over the images.

    For ``s = apply_filter(feat, f)`` (linear in ``f``) this returns ``J^T a`` where ``a`` has the shape of ``s``:
    ``out[s, f, c, u, v] = sum_{i, y, x} a[i, s, f, y, x] * feat_padded[i, s, c, y + u, x + v]``.

    Args:
        feat: ``(num_images, num_sequences, C, H, W)``.
        activation: ``(num_images, num_sequences, H', W')`` or ``(num_images, num_sequences, F, H', W')``.
        filter_sz: ``(kh, kw)`` or an int.
        training: unused; kept for pytracking signature compatibility.
    Returns:
        ``(num_sequences, C, kh, kw)`` or ``(num_sequences, F, C, kh, kw)``.
    """
    feat = _as_5d(feat)
    n_img, n_seq, c, h, w = feat.shape
    kh, kw = _pair(filter_sz)
    ph, pw = kh // 2, kw // 2
    multi = activation.dim() == 5
    act = activation if multi else activation.reshape(n_img, n_seq, 1, *activation.shape[-2:])
    num_filters, ah, aw = act.shape[2], act.shape[-2], act.shape[-1]
    # Shift the activation into feature coordinates once per tap: A_uv[y, x] = a[y - u + ph, x - v + pw].
    qh, qw = kh - 1 - ph, kw - 1 - pw
    apad = F.pad(act.reshape(n_img * n_seq * num_filters, 1, ah, aw), (qw, qw, qh, qh))
    apad = apad.reshape(n_img, n_seq, num_filters, ah + 2 * qh, aw + 2 * qw)
    shifted = torch.stack([apad[..., ph + qh - u:ph + qh - u + h, pw + qw - v:pw + qw - v + w]
                           for u in range(kh) for v in range(kw)], dim=3)          # (I, S, F, kh*kw, H, W)
    shifted = shifted.reshape(n_img, n_seq, num_filters * kh * kw, h * w)
    grad = torch.matmul(feat.reshape(n_img, n_seq, c, h * w), shifted.transpose(-1, -2)).sum(dim=0)  # (S, C, F*k*k)
    grad = grad.reshape(n_seq, c, num_filters, kh, kw).permute(0, 2, 1, 3, 4)
    return grad.contiguous() if multi else grad[:, 0].contiguous()
