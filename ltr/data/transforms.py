"""Joint image/box transforms (pytracking ``ltr.data.transforms`` API).

A :class:`Transform` chains :class:`TransformBase` objects and is called with keyword inputs::

    images, boxes = Transform(ToGrayscale(0.05))(image=[im0, im1], bbox=[b0, b1])              # one roll for all
    images = Transform(ToTensorAndJitter(0.2), Normalize(mean, std))(image=crops, joint=False)  # one roll each

Inputs: ``image`` ((H, W, 3) uint8 RGB numpy array, or a (3, H, W) float tensor after ToTensor), ``bbox``
([x, y, w, h] in image pixels), ``coords`` ((2, N) [y; x]), ``mask``; each either one item or a list.
Arguments: ``joint=True`` (one random draw for every list element) or ``joint=False`` (one draw per element);
``new_roll=False`` reuses the previous draw (e.g. the same grayscale decision for train and test frames);
``rng``: a ``np.random.Generator`` to draw from (default: a fresh OS-seeded generator per draw).
"""
import cv2
import numpy as np
import torch

__all__ = ['Transform', 'TransformBase', 'ToTensor', 'ToTensorAndJitter', 'Normalize', 'ToGrayscale', 'ToBGR',
           'RandomHorizontalFlip']

_VALID_INPUTS = ('image', 'coords', 'bbox', 'mask', 'att')
_VALID_ARGS = ('joint', 'new_roll', 'rng')


def _get_rng(rng):
    # A fresh OS-seeded generator when none is given: never a module-level one, which forked data-loader workers
    # would all copy in the same state.
    return rng if rng is not None else np.random.default_rng()


def _check_inputs(inputs):
    for name in inputs:
        if name not in _VALID_INPUTS + _VALID_ARGS:
            raise ValueError("Transform got an unknown input '{}'; allowed inputs: {}, arguments: {}".format(
                name, list(_VALID_INPUTS), list(_VALID_ARGS)))


class Transform:
    """A sequence of transforms applied jointly to images, boxes, coordinates and masks."""

    def __init__(self, *transforms):
        if len(transforms) == 1 and isinstance(transforms[0], (list, tuple)):
            transforms = transforms[0]
        self.transforms = list(transforms)

    def __call__(self, **inputs):
        _check_inputs(inputs)
        var_names = [k for k in inputs if k in _VALID_INPUTS]
        if not inputs.get('joint', True):
            outs = [self(**inp) for inp in self._split_inputs(inputs, var_names)]
            if len(var_names) == 1:
                return outs
            return tuple(list(o) for o in zip(*outs))
        out = {k: inputs[k] for k in var_names}
        for t in self.transforms:
            out = t(**out, joint=True, new_roll=inputs.get('new_roll', True), rng=inputs.get('rng'))
        if len(var_names) == 1:
            return out[var_names[0]]
        return tuple(out[v] for v in var_names)

    @staticmethod
    def _split_inputs(inputs, var_names):
        lengths = {len(inputs[v]) for v in var_names}
        if len(lengths) > 1:
            raise ValueError('Transform(joint=False): input lists have different lengths: {}'.format(
                {v: len(inputs[v]) for v in var_names}))
        split = [dict(zip(var_names, values)) for values in zip(*[inputs[v] for v in var_names])]
        for inp in split:
            inp['joint'] = True
            inp['new_roll'] = inputs.get('new_roll', True)
            inp['rng'] = inputs.get('rng')
        return split

    def __repr__(self):
        return '{}({})'.format(type(self).__name__, ', '.join(repr(t) for t in self.transforms))


class TransformBase:
    """Base of single transforms. Subclasses implement ``roll(rng)`` (random parameters, a tuple or None) and
    ``transform_<input>(value, *params)``; boxes and coordinates also receive the image size (H, W) first."""

    def __init__(self):
        self._rand_params = ()

    def __call__(self, **inputs):
        _check_inputs(inputs)
        if inputs.get('new_roll', True):
            params = self.roll(_get_rng(inputs.get('rng')))
            self._rand_params = () if params is None else (params if isinstance(params, tuple) else (params,))
        outputs = {}
        image_sz = self._get_image_size(inputs)
        for name in _VALID_INPUTS:
            if name not in inputs:
                continue
            value = inputs[name]
            if value is None:
                outputs[name] = None
                continue
            func = getattr(self, 'transform_' + name)
            params = ((image_sz,) if name in ('bbox', 'coords') else ()) + self._rand_params
            if isinstance(value, (list, tuple)):
                outputs[name] = [func(v, *params) for v in value]
            else:
                outputs[name] = func(value, *params)
        return outputs

    @staticmethod
    def _get_image_size(inputs):
        im = inputs.get('image', inputs.get('mask'))
        if im is None:
            return None
        if isinstance(im, (list, tuple)):
            im = im[0]
        if isinstance(im, np.ndarray):
            return im.shape[:2]
        if torch.is_tensor(im):
            return tuple(im.shape[-2:])
        return None

    def roll(self, rng):
        return None

    def transform_image(self, image, *params):
        return image

    def transform_coords(self, coords, image_shape, *params):
        return coords

    def transform_bbox(self, bbox, image_shape, *params):
        return bbox

    def transform_mask(self, mask, *params):
        return mask

    def transform_att(self, att, *params):
        return att

    def __repr__(self):
        return '{}()'.format(type(self).__name__)


def _hwc_to_chw_tensor(image):
    if image.ndim == 2:
        image = image[:, :, None]
    return torch.from_numpy(np.ascontiguousarray(image.transpose((2, 0, 1))))


class ToTensor(TransformBase):
    """(H, W, C) uint8 numpy image -> (C, H, W) float32 tensor in [0, 1]; masks -> tensors."""

    def transform_image(self, image):
        if torch.is_tensor(image):
            return image
        img = _hwc_to_chw_tensor(image)
        return img.float().div(255.0) if img.dtype == torch.uint8 else img.float()

    def transform_mask(self, mask):
        return torch.from_numpy(mask) if isinstance(mask, np.ndarray) else mask

    def transform_bbox(self, bbox, image_shape):
        return torch.as_tensor(bbox, dtype=torch.float32) if isinstance(bbox, np.ndarray) else bbox


class ToTensorAndJitter(TransformBase):
    """ToTensor with brightness jitter: factor ~ U[max(0, 1 - b), 1 + b], pixels * factor / 255 clamped to [0, 1]
    (``normalize=False``: pixels * factor clamped to [0, 255])."""

    def __init__(self, brightness_jitter=0.0, normalize=True):
        super().__init__()
        self.brightness_jitter = brightness_jitter
        self.normalize = normalize

    def roll(self, rng):
        return float(rng.uniform(max(0.0, 1.0 - self.brightness_jitter), 1.0 + self.brightness_jitter))

    def transform_image(self, image, brightness_factor):
        img = image if torch.is_tensor(image) else _hwc_to_chw_tensor(image)
        if self.normalize:
            return img.float().mul(brightness_factor / 255.0).clamp(0.0, 1.0)
        return img.float().mul(brightness_factor).clamp(0.0, 255.0)

    def transform_mask(self, mask, brightness_factor):
        return torch.from_numpy(mask) if isinstance(mask, np.ndarray) else mask

    def transform_bbox(self, bbox, image_shape, brightness_factor):
        return torch.as_tensor(bbox, dtype=torch.float32) if isinstance(bbox, np.ndarray) else bbox

    def __repr__(self):
        return 'ToTensorAndJitter(brightness_jitter={}, normalize={})'.format(self.brightness_jitter, self.normalize)


class Normalize(TransformBase):
    """(C, H, W) tensor -> (image - mean) / std per channel."""

    def __init__(self, mean, std, inplace=False):
        super().__init__()
        self.mean = torch.tensor(mean, dtype=torch.float32).reshape(-1, 1, 1)
        self.std = torch.tensor(std, dtype=torch.float32).reshape(-1, 1, 1)
        self.inplace = inplace

    def transform_image(self, image):
        if not torch.is_tensor(image):
            raise TypeError('Normalize expects a (C, H, W) tensor (apply ToTensor first), got {}'.format(type(image)))
        if self.inplace:
            return image.sub_(self.mean).div_(self.std)
        return (image - self.mean) / self.std

    def __repr__(self):
        return 'Normalize(mean={}, std={})'.format(self.mean.flatten().tolist(), self.std.flatten().tolist())


class ToGrayscale(TransformBase):
    """With probability ``probability``: RGB -> gray (cv2 RGB2GRAY), replicated to 3 channels (numpy images)."""

    def __init__(self, probability=0.5):
        super().__init__()
        self.probability = probability
        self.color_weights = torch.tensor([0.2989, 0.5870, 0.1140])

    def roll(self, rng):
        return bool(rng.random() < self.probability)

    def transform_image(self, image, do_grayscale):
        if not do_grayscale:
            return image
        if torch.is_tensor(image):
            gray = (image * self.color_weights.to(image.dtype).reshape(-1, 1, 1)).sum(dim=0, keepdim=True)
            return gray.expand_as(image).clone()
        gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        return np.stack([gray, gray, gray], axis=2)

    def __repr__(self):
        return 'ToGrayscale(probability={})'.format(self.probability)


class ToBGR(TransformBase):
    """RGB numpy image -> BGR."""

    def transform_image(self, image):
        return np.ascontiguousarray(image[:, :, ::-1])


class RandomHorizontalFlip(TransformBase):
    """With probability ``probability``: mirror images/masks left-right and boxes accordingly (x' = W - x - w)."""

    def __init__(self, probability=0.5):
        super().__init__()
        self.probability = probability

    def roll(self, rng):
        return bool(rng.random() < self.probability)

    def transform_image(self, image, do_flip):
        if not do_flip:
            return image
        if torch.is_tensor(image):
            return image.flip((2,))
        return np.ascontiguousarray(np.fliplr(image))

    def transform_mask(self, mask, do_flip):
        if not do_flip:
            return mask
        if torch.is_tensor(mask):
            return mask.flip((-1,))
        return np.ascontiguousarray(mask[..., ::-1])

    def transform_bbox(self, bbox, image_shape, do_flip):
        if not do_flip:
            return bbox
        out = torch.as_tensor(bbox, dtype=torch.float32).clone()
        out[..., 0] = image_shape[1] - out[..., 0] - out[..., 2]
        return out

    def transform_coords(self, coords, image_shape, do_flip):
        if not do_flip:
            return coords
        out = torch.as_tensor(coords, dtype=torch.float32).clone()
        out[1, :] = (image_shape[1] - 1) - out[1, :]
        return out

    def __repr__(self):
        return 'RandomHorizontalFlip(probability={})'.format(self.probability)
