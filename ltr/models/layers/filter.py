"""Correlation filters applied to batches of feature maps, and their adjoint.

Conventions (shared by the classifiers and the regressor):

* features ``feat``: ``(num_images, num_sequences, C, H, W)``; a 4-D tensor ``(N, C, H, W)``
  means ``num_sequences = 1`` is *not* assumed: 4-D features are read as ``(num_images, C, H, W)``
  with one sequence, as pytracking does.
* single filter: ``(num_sequences, C, fH, fW)`` -> scores ``(num_images, num_sequences, H', W')``;
* multi filter: ``(num_sequences, F, C, fH, fW)`` -> scores ``(num_images, num_sequences, F, H', W')``.

The filter is applied as a cross-correlation (``F.conv2d``) with padding ``fH // 2``: an even
filter size grows the map by one (72 -> 73 for a 4x4 filter), an odd one keeps it.
"""
import torch
import torch.nn.functional as F


def _as_5d(feat: torch.Tensor) -> torch.Tensor:
    if feat.dim() == 4:
        return feat.unsqueeze(1)
    if feat.dim() != 5:
        raise ValueError(f"features must be 4-D (images, C, H, W) or 5-D (images, sequences, C, H, W), "
                         f"got shape {tuple(feat.shape)}")
    return feat


def apply_filter(feat: torch.Tensor, filter: torch.Tensor) -> torch.Tensor:
    """Correlate every image of every sequence with that sequence's filter(s).

    Args:
        feat: ``(num_images, num_sequences, C, H, W)`` (or 4-D with one sequence).
        filter: ``(num_sequences, C, fH, fW)`` or ``(num_sequences, F, C, fH, fW)``.
    Returns:
        ``(num_images, num_sequences, H', W')`` or ``(num_images, num_sequences, F, H', W')`` with
        ``H' = H + 1 - fH % 2`` (padding ``fH // 2``).
    """
    feat = _as_5d(feat)
    n_img, n_seq, c, h, w = feat.shape
    multi = filter.dim() == 5
    if filter.dim() not in (4, 5) or filter.shape[0] != n_seq or filter.shape[-3] != c:
        raise ValueError(f"filter of shape {tuple(filter.shape)} does not fit features {tuple(feat.shape)}: "
                         f"expected (num_sequences={n_seq}, [F,] C={c}, fH, fW)")
    fh, fw = filter.shape[-2:]
    num_filters = filter.shape[1] if multi else 1
    weight = filter.reshape(n_seq * num_filters, c, fh, fw)
    scores = F.conv2d(feat.reshape(n_img, n_seq * c, h, w), weight, padding=(fh // 2, fw // 2), groups=n_seq)
    if multi:
        return scores.reshape(n_img, n_seq, num_filters, scores.shape[-2], scores.shape[-1])
    return scores.reshape(n_img, n_seq, scores.shape[-2], scores.shape[-1])


def apply_feat_transpose(feat: torch.Tensor, activation: torch.Tensor, filter_sz, training: bool = True) -> torch.Tensor:
    """Adjoint of :func:`apply_filter` with respect to the filter, summed over the images.

    For ``s = apply_filter(feat, f)`` linear in ``f`` this returns ``J^T a`` where ``a`` has the
    shape of ``s``.

    Args:
        feat: ``(num_images, num_sequences, C, H, W)``.
        activation: ``(num_images, num_sequences, H', W')`` or ``(num_images, num_sequences, F, H', W')``.
        filter_sz: ``(fH, fW)`` (or an int).
        training: unused; kept for pytracking signature compatibility.
    Returns:
        ``(num_sequences, C, fH, fW)`` or ``(num_sequences, F, C, fH, fW)``.
    """
    feat = _as_5d(feat)
    n_img, n_seq, c, h, w = feat.shape
    if isinstance(filter_sz, int):
        filter_sz = (filter_sz, filter_sz)
    fh, fw = filter_sz
    multi = activation.dim() == 5
    if activation.dim() == 3:
        activation = activation.unsqueeze(1)
    num_filters = activation.shape[2] if multi else 1
    ah, aw = activation.shape[-2:]
    # Correlating the (padded) features with the activation map gives the filter gradient:
    # grad[s, f, c, u, v] = sum_{i, y, x} a[i, s, f, y, x] * feat_pad[i, s, c, y + u, x + v].
    # Batch over sequences as groups and sum over images via the conv's input-channel reduction.
    feat_t = feat.permute(2, 1, 0, 3, 4).reshape(c, n_seq * n_img, h, w)       # (C, S*I, H, W)
    act = activation.reshape(n_img, n_seq, num_filters, ah, aw).permute(1, 2, 0, 3, 4)  # (S, F, I, H', W')
    act = act.reshape(n_seq * num_filters, n_img, ah, aw)
    out = F.conv2d(feat_t, act, padding=(fh // 2, fw // 2), groups=n_seq)       # (C, S*F, fH', fW')
    out = out[..., :fh, :fw]
    out = out.reshape(c, n_seq, num_filters, fh, fw).permute(1, 2, 0, 3, 4)
    if multi:
        return out.contiguous()
    return out[:, 0].contiguous()
