"""Image <-> tensor conversion and patch sampling (pytracking ``preprocessing``; FCOT spec §4.2).

Coordinate conventions (all functions): positions and sizes are **(row, col) = (y, x)**;
``patch_coord`` is ``[y0, x0, y1, x1]`` (exclusive end) in original-image pixels.
Images are tensors ``(1, C, H, W)`` (float, values in [0, 255] for the tracker).
"""
import numpy as np
import torch
import torch.nn.functional as F

__all__ = ['numpy_to_torch', 'torch_to_numpy', 'crop_replicate', 'sample_patch',
           'sample_patch_multiscale', 'sample_patch_transformed', 'RESAMPLING']

_MODES = ('replicate', 'inside', 'inside_major')
#: How :func:`sample_patch` resizes a crop: the official decimation + bilinear, or (not official) without decimation.
RESAMPLING = ('official', 'bilinear', 'antialias')


def numpy_to_torch(a: np.ndarray, keep_dtype: bool = False) -> torch.Tensor:
    """``(H, W, C)`` array -> ``(1, C, H, W)`` tensor (values unchanged): float32, or with ``keep_dtype`` the array's
    own dtype without a copy of a contiguous array (a ``uint8`` frame stays ``uint8``, so that :func:`sample_patch`
    converts only the crop to float: the same values, since cropping only indexes pixels). Both have the strides of
    the ``(H, W, C)`` array (a permuted view)."""
    if a.ndim != 3:
        raise ValueError(f"numpy_to_torch expects an (H, W, C) array, got shape {a.shape}")
    t = torch.from_numpy(np.ascontiguousarray(a))
    return (t if keep_dtype else t.float()).permute(2, 0, 1).unsqueeze(0)


def torch_to_numpy(a: torch.Tensor) -> np.ndarray:
    """``(1, C, H, W)`` (or ``(C, H, W)``) tensor -> ``(H, W, C)`` numpy array (on the host)."""
    if a.dim() == 4:
        if a.shape[0] != 1:
            raise ValueError(f"torch_to_numpy expects a batch of one image, got shape {tuple(a.shape)}")
        a = a[0]
    if a.dim() != 3:
        raise ValueError(f"torch_to_numpy expects (1, C, H, W) or (C, H, W), got shape {tuple(a.shape)}")
    return a.permute(1, 2, 0).detach().cpu().numpy()


def _pair_tensor(x, dtype, name) -> torch.Tensor:
    """Any scalar / pair / tensor -> a CPU tensor of shape (2,) with ``dtype`` (None: keep dtype)."""
    t = torch.as_tensor(x).detach().to(device='cpu').reshape(-1)
    if t.numel() == 1:
        t = t.repeat(2)
    if t.numel() != 2:
        raise ValueError(f"{name} must be a scalar or a (row, col) pair, got {x!r}")
    return t if dtype is None else t.to(dtype)


def crop_replicate(im: torch.Tensor, top: int, left: int, height: int, width: int,
                   row_step: int = 1, col_step: int = 1, row_offset: int = 0, col_offset: int = 0) -> torch.Tensor:
    """Crop rows ``top .. top+height-1`` and cols ``left .. left+width-1`` with replicate padding.

    Works on the (optionally decimated) image ``im[..., row_offset::row_step, col_offset::col_step]``
    without materialising it: crop coordinates index that decimated grid. Indices outside the image
    are clamped to the border, which is exactly 'replicate' padding (also when the crop lies
    entirely outside the image).

    Args:
        im: ``(..., H, W)`` tensor.
        top, left: crop origin in (decimated) pixels, may be negative.
        height, width: crop size (>= 1).
    Returns:
        ``(..., height, width)`` tensor (a copy).
    """
    if height < 1 or width < 1:
        raise ValueError(f"crop size must be positive, got height={height}, width={width}")
    h_full, w_full = im.shape[-2:]
    h_dec = len(range(row_offset, h_full, row_step))
    w_dec = len(range(col_offset, w_full, col_step))
    if h_dec < 1 or w_dec < 1:
        raise ValueError(f"empty image after decimation: shape {tuple(im.shape)}, offsets "
                         f"({row_offset}, {col_offset}), steps ({row_step}, {col_step})")
    inside = (top >= 0 and left >= 0 and top + height <= h_dec and left + width <= w_dec)
    if inside and row_step == 1 and col_step == 1:
        return im[..., top:top + height, left:left + width].clone()
    dev = im.device
    rows = torch.arange(top, top + height, device=dev).clamp_(0, h_dec - 1) * row_step + row_offset
    cols = torch.arange(left, left + width, device=dev).clamp_(0, w_dec - 1) * col_step + col_offset
    return im.index_select(-2, rows).index_select(-1, cols)


def sample_patch(im: torch.Tensor, pos, sample_sz, output_sz=None, mode: str = 'replicate',
                 max_scale_change=None, is_mask: bool = False, resampling: str = 'official'):
    """Sample a patch of ``sample_sz`` pixels centred at ``pos`` and resize it to ``output_sz``.

    Exactly FCOT spec §4.2 / pytracking:

    1. ``posl = trunc(pos)`` (``pos.long()``, truncation toward zero, also for negative pos).
    2. ``df = max(int(min(sample_sz / output_sz) - 0.1), 1)`` (1 when ``output_sz`` is None). If
       ``df > 1`` the image is decimated: every ``df``-th pixel starting at ``posl mod df``
       (non-negative remainder), and ``posl = (posl - posl mod df) // df``.
    3. ``szl = max(round(sample_sz / df), 2)`` (round half to even, float32).
    4. ``tl = posl - (szl - 1) // 2``, ``br = posl + szl // 2 + 1`` (floor division).
    5. Crop rows/cols ``tl .. br-1`` with replicate padding, then bilinear resize
       (``align_corners=False``; nearest when ``is_mask``) to ``output_sz``.
    6. ``patch_coord = [df*tl, df*br]`` (note: the decimation offset is *not* added back).

    ``resampling`` (not official, default ``'official'`` = steps 1-6): ``'bilinear'`` skips the decimation of step 2
    (``df = 1``: the crop is taken at full resolution and only resized bilinearly, as the training crops of
    ``ltr.data.processing_utils.sample_target`` are by ``cv2.INTER_LINEAR``); ``'antialias'`` also skips it and
    resizes with ``F.interpolate(..., antialias=True)`` (a triangle filter as wide as the downscaling factor).

    Modes ``'inside'`` / ``'inside_major'`` (unused by FCOT) shrink the sample so that it fits the
    image (by the max / min ratio over the axes, clamped to ``[1, max_scale_change]``) and shift it
    inside the image, as in current pytracking.

    Args:
        im: ``(1, C, H, W)`` image tensor.
        pos: ``(2,)`` centre (row, col), float.
        sample_sz: ``(2,)`` (h, w) size of the sampled region in image pixels (or a scalar).
        output_sz: ``(2,)`` (h, w) output size (or a scalar); None keeps the crop size.
        mode: 'replicate' | 'inside' | 'inside_major'.
        max_scale_change: upper bound of the shrink factor in the inside modes (None: unbounded).
        is_mask: resize with nearest instead of bilinear.
        resampling: one of :data:`RESAMPLING` (see above).
    Returns:
        patch: ``(1, C, out_h, out_w)`` tensor on the image's device (float32 for an integer image when
            ``output_sz`` is given; the raw crop when it is None).
        patch_coord: ``(1, 4)`` int64 CPU tensor ``[y0, x0, y1, x1]`` in original-image pixels.
    """
    if mode not in _MODES:
        raise ValueError(f"sample_patch: unknown mode {mode!r}; allowed: {_MODES}")
    if resampling not in RESAMPLING:
        raise ValueError(f"sample_patch: unknown resampling {resampling!r}; allowed: {RESAMPLING}")
    if im.dim() != 4:
        raise ValueError(f"sample_patch expects an image of shape (1, C, H, W), got {tuple(im.shape)}")
    pos = _pair_tensor(pos, None, 'pos')
    sample_sz = _pair_tensor(sample_sz, torch.float32, 'sample_sz')
    if output_sz is not None:
        output_sz = _pair_tensor(output_sz, torch.float32, 'output_sz')
    im_hw = torch.tensor([im.shape[-2], im.shape[-1]])

    if mode in ('inside', 'inside_major'):
        shrink = sample_sz / im_hw.float()
        shrink = shrink.max() if mode == 'inside' else shrink.min()
        shrink = shrink.clamp(min=1, max=max_scale_change)
        sample_sz = (sample_sz / shrink).long().float()

    posl = pos.long()

    if output_sz is not None and resampling == 'official':
        resize_factor = torch.min(sample_sz / output_sz).item()
        df = int(max(int(resize_factor - 0.1), 1))
    else:
        df = 1

    sz = sample_sz / df
    if df > 1:
        offset = posl % df                       # torch remainder: non-negative for df > 0
        posl = (posl - offset) // df
    else:
        offset = torch.zeros(2, dtype=torch.long)

    szl = torch.max(sz.round(), torch.tensor([2.0])).long()
    tl = posl - (szl - 1) // 2
    br = posl + szl // 2 + 1

    if mode in ('inside', 'inside_major'):
        dec_hw = torch.tensor([len(range(int(offset[0]), int(im_hw[0]), df)),
                               len(range(int(offset[1]), int(im_hw[1]), df))])
        # move inside: right by the overflow on the left, left by the overflow on the right
        shift = (-tl).clamp(min=0) - (br - dec_hw).clamp(min=0)
        tl = tl + shift
        br = br + shift
        # still larger than the image: centre it (equal overflow on both sides)
        outside = ((-tl).clamp(min=0) + (br - dec_hw).clamp(min=0)) // 2
        shift = (-tl - outside) * (outside > 0).long()
        tl = tl + shift
        br = br + shift

    t, l, b, r = (int(v) for v in (tl[0], tl[1], br[0], br[1]))
    patch = crop_replicate(im, t, l, b - t, r - l, df, df, int(offset[0]), int(offset[1]))
    patch_coord = (df * torch.cat((tl, br))).view(1, 4)

    if output_sz is None:
        return patch, patch_coord
    out_hw = [int(v) for v in output_sz.long()]
    if not patch.is_floating_point():   # an integer (uint8) image: the crop, resized or not, becomes float32
        patch = patch.float()
    if patch.shape[-2] == out_hw[0] and patch.shape[-1] == out_hw[1]:
        return patch, patch_coord
    if is_mask:
        patch = F.interpolate(patch, size=out_hw, mode='nearest')
    else:
        patch = F.interpolate(patch, size=out_hw, mode='bilinear', align_corners=False,
                              antialias=resampling == 'antialias')
    return patch, patch_coord


def sample_patch_multiscale(im: torch.Tensor, pos, scales, image_sz, mode: str = 'replicate',
                            max_scale_change=None):
    """Sample one patch per scale: ``sample_patch(im, pos, s * image_sz, image_sz)`` for s in scales.

    Args:
        im: ``(1, C, H, W)``.
        pos: ``(2,)`` centre (row, col).
        scales: a number or a sequence / 1-D tensor of scales (FCOT: a single scale).
        image_sz: ``(2,)`` (h, w) output size (e.g. 288).
    Returns:
        patches ``(S, C, h, w)`` and patch_coords ``(S, 4)`` int64 ``[y0, x0, y1, x1]``.
    """
    if isinstance(scales, (int, float)):
        scales = [scales]
    image_sz = _pair_tensor(image_sz, torch.float32, 'image_sz')
    patches, coords = [], []
    for s in scales:
        p, c = sample_patch(im, pos, s * image_sz, image_sz, mode=mode, max_scale_change=max_scale_change)
        patches.append(p)
        coords.append(c)
    return torch.cat(patches), torch.cat(coords)


def sample_patch_transformed(im: torch.Tensor, pos, scale, image_sz, transforms, is_mask: bool = False,
                             resampling: str = 'official'):
    """Sample one (expanded) patch and apply each augmentation transform to it.

    FCOT init (spec §4.1 step 3): ``image_sz`` is the *expanded* size (576 = 2 * 288); a 576x576
    patch covering ``scale * 576`` image pixels is sampled at ``pos`` and every transform returns
    its own ``output_sz`` (288x288) crop of it.

    Args:
        im: ``(1, C, H, W)``.
        pos: ``(2,)`` centre (row, col) (FCOT: ``round(pos)``).
        scale: scalar (float or 0-dim tensor), image pixels per patch pixel.
        image_sz: ``(2,)`` (h, w) size of the expanded patch (or a scalar).
        transforms: sequence of ``augmentation.Transform``.
        resampling: how the expanded patch is resized (:func:`sample_patch`).
    Returns:
        ``(len(transforms), C, out_h, out_w)`` tensor.
    """
    image_sz = _pair_tensor(image_sz, torch.float32, 'image_sz')
    scale = torch.as_tensor(scale, dtype=torch.float32).detach().cpu()
    im_patch, _ = sample_patch(im, pos, scale * image_sz, image_sz, is_mask=is_mask, resampling=resampling)
    return torch.cat([T(im_patch, is_mask=is_mask) for T in transforms])
