"""Initial-frame data augmentation (pytracking ``augmentation``; FCOT spec §4.1 step 3).

A transform takes the *expanded* patch (FCOT: ``(1, C, 576, 576)``), applies its image operation
(flip / blur / rotation) to the whole expanded patch, and crops ``output_sz`` (288x288) around the
patch centre displaced by ``shift`` with replicate padding.

``shift`` is **(row, col)** in output pixels: output pixel ``(r, c)`` reads input pixel
``(r + floor((H_in - H_out)/2) - shift_row, c + floor((W_in - W_out)/2) - shift_col)``, so image
content (the target) moves by ``+shift``. The matching training box is the base box plus
``(shift_col, shift_row, 0, 0)`` in ``[x, y, w, h]`` order (:func:`transform_boxes`).
"""
import math

import numpy as np
import torch
import torch.nn.functional as F

from pytracking.features.preprocessing import crop_replicate, numpy_to_torch, torch_to_numpy

__all__ = ['Transform', 'Identity', 'Translation', 'FlipHorizontal', 'FlipVertical', 'Blur', 'Rotate',
           'augmentation_expansion_size', 'build_init_transforms', 'transform_boxes', 'random_shift']


def _as_pair(x, name):
    if x is None:
        return None
    if isinstance(x, torch.Tensor):
        x = x.reshape(-1).tolist()
    if isinstance(x, (int, float)):
        x = (x, x)
    x = tuple(x)
    if len(x) != 2:
        raise ValueError(f"{name} must be a scalar or a (row, col) pair, got {x!r}")
    return x


class Transform:
    """Base transform: crop ``output_sz`` at the centre displaced by ``shift`` (replicate padding).

    Args:
        output_sz: ``(h, w)`` (or int) of the output; None keeps the input size.
        shift: ``(row, col)`` integer shift in pixels; None means ``(0, 0)``.
    """

    def __init__(self, output_sz=None, shift=None):
        self.output_sz = _as_pair(output_sz, 'output_sz')
        shift = (0, 0) if shift is None else _as_pair(shift, 'shift')
        self.shift = (int(shift[0]), int(shift[1]))

    def __call__(self, image: torch.Tensor, is_mask: bool = False) -> torch.Tensor:
        raise NotImplementedError

    def crop_to_output(self, image: torch.Tensor) -> torch.Tensor:
        """``(1, C, H_in, W_in)`` -> ``(1, C, h_out, w_out)``.

        Equivalent to ``F.pad(image, (floor(pw) + sc, ceil(pw) - sc, floor(ph) + sr, ceil(ph) - sr),
        'replicate')`` with ``ph = (h_out - H_in) / 2`` (negative pads crop).
        """
        h_in, w_in = image.shape[-2:]
        h_out, w_out = (h_in, w_in) if self.output_sz is None else (int(self.output_sz[0]), int(self.output_sz[1]))
        pad_top = math.floor((h_out - h_in) / 2) + self.shift[0]
        pad_left = math.floor((w_out - w_in) / 2) + self.shift[1]
        return crop_replicate(image, -pad_top, -pad_left, h_out, w_out)

    def __repr__(self):
        return f"{type(self).__name__}(output_sz={self.output_sz}, shift={self.shift})"


class Identity(Transform):
    """No image change; only the centre(+shift) crop."""

    def __call__(self, image, is_mask=False):
        return self.crop_to_output(image)


class Translation(Transform):
    """Crop displaced by ``translation`` (row, col) on top of ``shift``: effective shift = shift + translation."""

    def __init__(self, translation, output_sz=None, shift=None):
        super().__init__(output_sz, shift)
        translation = _as_pair(translation, 'translation')
        self.translation = (int(translation[0]), int(translation[1]))
        self.shift = (self.shift[0] + self.translation[0], self.shift[1] + self.translation[1])

    def __call__(self, image, is_mask=False):
        return self.crop_to_output(image)


class FlipHorizontal(Transform):
    """Mirror the columns of the whole input, then crop."""

    def __call__(self, image, is_mask=False):
        return self.crop_to_output(image.flip((3,)))


class FlipVertical(Transform):
    """Mirror the rows of the whole input, then crop."""

    def __call__(self, image, is_mask=False):
        return self.crop_to_output(image.flip((2,)))


class Blur(Transform):
    """Separable Gaussian blur of the whole input (zero padding), then crop.

    ``sigma`` is a number or ``(sigma_row, sigma_col)``. Per axis the kernel has half-size
    ``k = ceil(2 sigma)``: ``g[i] = exp(-i^2 / (2 sigma^2))`` for ``i = -k..k``, normalised to sum 1.
    Rows (vertical) are filtered with ``sigma_row`` first, then columns with ``sigma_col``.
    """

    def __init__(self, sigma, output_sz=None, shift=None):
        super().__init__(output_sz, shift)
        sigma = _as_pair(sigma, 'sigma')
        if min(sigma) <= 0:
            raise ValueError(f"Blur sigma must be positive, got {sigma}")
        self.sigma = sigma
        self.filter_size = [math.ceil(2 * s) for s in sigma]
        kernels = []
        for k, s in zip(self.filter_size, sigma):
            x = torch.arange(-k, k + 1, dtype=torch.float32)
            g = torch.exp(-(x ** 2) / (2 * s ** 2))
            kernels.append(g / g.sum())
        self.filter = [kernels[0].view(1, 1, -1, 1), kernels[1].view(1, 1, 1, -1)]

    def __call__(self, image, is_mask=False):
        n, c, h, w = image.shape
        x = image.reshape(n * c, 1, h, w)
        f_row = self.filter[0].to(device=image.device, dtype=image.dtype)
        f_col = self.filter[1].to(device=image.device, dtype=image.dtype)
        x = F.conv2d(x, f_row, padding=(self.filter_size[0], 0))
        x = F.conv2d(x, f_col, padding=(0, self.filter_size[1]))
        return self.crop_to_output(x.reshape(n, c, h, w))

    def __repr__(self):
        return f"Blur(sigma={self.sigma}, output_sz={self.output_sz}, shift={self.shift})"


class Rotate(Transform):
    """Rotate the whole input by ``angle`` degrees about its centre (cv2.warpAffine, bilinear,
    BORDER_REPLICATE), then crop. Positive angles rotate counter-clockwise as displayed
    (``angle=90`` equals ``np.rot90`` on a square image).

    The affine matrix is ``[R | c - R c]`` with ``R = [[cos a, sin a], [-sin a, cos a]]`` and
    ``c = ((H-1)/2, (W-1)/2)`` used as the (x, y) centre (pytracking quirk; exact for the square
    patches FCOT uses). Runs on the host; the result returns to the input's device.
    """

    def __init__(self, angle, output_sz=None, shift=None):
        super().__init__(output_sz, shift)
        self.angle_deg = angle
        self.angle = math.pi * angle / 180

    def rotate_numpy(self, image: np.ndarray) -> np.ndarray:
        """``(H, W, C)`` array -> rotated ``(H, W, C)`` array."""
        import cv2
        c = (np.expand_dims(np.array(image.shape[:2]), 1) - 1) / 2
        R = np.array([[math.cos(self.angle), math.sin(self.angle)],
                      [-math.sin(self.angle), math.cos(self.angle)]])
        H = np.concatenate([R, c - R @ c], 1)
        out = cv2.warpAffine(np.ascontiguousarray(image), H, image.shape[1::-1], borderMode=cv2.BORDER_REPLICATE)
        if out.ndim == 2:
            out = out[:, :, None]
        return out

    def __call__(self, image, is_mask=False):
        if image.shape[0] != 1:
            raise ValueError(f"Rotate expects a single image (1, C, H, W), got {tuple(image.shape)}")
        rotated = numpy_to_torch(self.rotate_numpy(torch_to_numpy(image)))
        return self.crop_to_output(rotated.to(device=image.device, dtype=image.dtype))

    def __repr__(self):
        return f"Rotate(angle={self.angle_deg}, output_sz={self.output_sz}, shift={self.shift})"


# ------------------------------------------------------------------------------------------ init list
def augmentation_expansion_size(output_sz, expansion_factor):
    """Size ``(h, w)`` of the expanded patch: ``e = int(out * factor)``, plus 1 where ``e - out`` is odd
    (so the crop margin is symmetric). ``factor`` None or 1 gives ``output_sz`` (FCOT: 288 -> 576)."""
    out = _as_pair(output_sz, 'output_sz')
    if expansion_factor is None or expansion_factor == 1:
        return (int(out[0]), int(out[1]))
    size = []
    for o in out:
        e = int(torch.tensor(float(o)) * expansion_factor)
        e += (e - int(o)) % 2
        size.append(e)
    return tuple(size)


def _uniform2(rng) -> torch.Tensor:
    """Two U(0,1) draws as a float32 tensor from a torch.Generator, numpy Generator or the global torch RNG."""
    if rng is None:
        return torch.rand(2)
    if isinstance(rng, torch.Generator):
        return torch.rand(2, generator=rng)
    if isinstance(rng, np.random.Generator):
        return torch.from_numpy(rng.random(2)).float()
    raise TypeError(f"rng must be None, a torch.Generator or a numpy.random.Generator, got {type(rng).__name__}")


def random_shift(output_sz, random_shift_factor, rng=None):
    """One random shift ``(row, col)``: ``int((U - 0.5) * output_sz * factor)`` per axis (float32,
    truncation toward zero). Returns None when ``random_shift_factor <= 0``."""
    if not random_shift_factor or random_shift_factor <= 0:
        return None
    sz = torch.tensor([float(v) for v in _as_pair(output_sz, 'output_sz')])
    return ((_uniform2(rng) - 0.5) * sz * random_shift_factor).long().tolist()


def _param(params, name, default):
    if isinstance(params, dict):
        return params.get(name, default)
    return getattr(params, name, default)


_SUPPORTED_AUGS = ('shift', 'relativeshift', 'fliplr', 'blur', 'rotate', 'dropout')


def build_init_transforms(params, output_sz=288, expansion_factor=None, rng=None):
    """The initial-frame transform list, in the exact pytracking/FCOT order (spec §4.1 step 3).

    Order: Identity; ``shift`` translations; ``relativeshift`` translations; FlipHorizontal (if
    ``fliplr``); one Blur per ``blur`` sigma; one Rotate per ``rotate`` angle. Flip, blur and rotate
    each draw a random shift ``int((U - 0.5) * output_sz * random_shift_factor)`` per axis (row then
    col, in list order); identity and translations get none. A relative shift ``(fr, fc)`` becomes
    the translation ``int(f * output_sz / 2)`` per axis (0.6 -> 86 for 288). With the FCOT
    augmentation dict this gives 23 transforms. ``'dropout'`` (feature-level, disabled in FCOT) is
    accepted only with 0 copies; a positive count raises NotImplementedError.

    Args:
        params: TrackerParams / namespace / dict providing ``augmentation`` (dict),
            ``use_augmentation`` (default True), ``random_shift_factor`` (default 0) and, when
            ``expansion_factor`` is None, ``augmentation_expansion_factor``.
        output_sz: int or ``(h, w)`` output size of every transform (288).
        expansion_factor: expansion of the sampled patch (FCOT 2); only used to decide whether the
            transforms crop (``output_sz`` set) or keep the input size (factor None/1).
        rng: None (global torch RNG, as pytracking), a ``torch.Generator`` or a ``numpy.random.Generator``.
    Returns:
        list of :class:`Transform`; ``T.shift`` is the (row, col) shift of each.
    """
    if expansion_factor is None:
        expansion_factor = _param(params, 'augmentation_expansion_factor', None)
    out = _as_pair(output_sz, 'output_sz')
    out_t = torch.tensor([float(v) for v in out])
    aug_output_sz = None if expansion_factor is None or expansion_factor == 1 else [int(v) for v in out]
    shift_factor = _param(params, 'random_shift_factor', 0)

    augs = _param(params, 'augmentation', {}) if _param(params, 'use_augmentation', True) else {}
    augs = augs or {}
    unknown = [k for k in augs if k not in _SUPPORTED_AUGS]
    if unknown:
        raise ValueError(f"unsupported augmentation key(s) {unknown}; supported: {_SUPPORTED_AUGS}")

    dropout = augs.get('dropout', None)
    if dropout is not None and int(dropout[0]) > 0:
        raise NotImplementedError(f"feature dropout augmentation {tuple(dropout)} is not supported "
                                  f"(FCOT disables it); use (0, p) or omit the 'dropout' key")

    def rand_shift():
        return random_shift(out, shift_factor, rng)

    transforms = [Identity(aug_output_sz)]
    for shift in augs.get('shift', []):
        transforms.append(Translation(shift, aug_output_sz))
    for rel in augs.get('relativeshift', []):
        absolute = (torch.tensor([float(v) for v in _as_pair(rel, 'relativeshift')]) * out_t / 2).long().tolist()
        transforms.append(Translation(absolute, aug_output_sz))
    if augs.get('fliplr', False):
        transforms.append(FlipHorizontal(aug_output_sz, rand_shift()))
    for sigma in augs.get('blur', []):
        transforms.append(Blur(sigma, aug_output_sz, rand_shift()))
    for angle in augs.get('rotate', []):
        transforms.append(Rotate(angle, aug_output_sz, rand_shift()))
    return transforms


def transform_boxes(base_box, transforms) -> torch.Tensor:
    """Training boxes of the augmented samples: ``base_box + (shift_col, shift_row, 0, 0)``.

    The box is neither flipped nor rotated (as in FCOT/DiMP).

    Args:
        base_box: ``(4,)`` ``[x, y, w, h]`` in output-crop pixels (``get_training_box``).
        transforms: the transform list.
    Returns:
        ``(len(transforms), 4)`` tensor ``[x, y, w, h]``, dtype/device of ``base_box``.
    """
    base_box = torch.as_tensor(base_box)
    if base_box.numel() != 4:
        raise ValueError(f"base_box must have 4 values [x, y, w, h], got shape {tuple(base_box.shape)}")
    base_box = base_box.reshape(4)
    if not base_box.is_floating_point():
        base_box = base_box.float()
    shifts = torch.tensor([[T.shift[1], T.shift[0], 0, 0] for T in transforms],
                          dtype=base_box.dtype, device=base_box.device)
    return base_box.unsqueeze(0) + shifts
