"""Processing of sampled frames into network inputs (pytracking ``ltr.data.processing`` API).

:class:`AnchorFreeProcessing` is FCOT's processing (official name; file ``processing_fcot.py`` upstream). For every
frame of a sample it jitters the ground-truth box, crops a square search region around the jittered box, maps
the ground-truth box into the crop, clamps its corners into the crop and applies the image transforms. It then
builds the classification labels of both score maps and the regression targets of the test frames.

Output of ``AnchorFreeProcessing(...)(data)`` in mode 'sequence' (defaults: output_sz 288, strides 16 and 4,
3 train and 3 test frames), all float32 unless said otherwise:

================  ====================  ==========================================================================
key               shape                 content
================  ====================  ==========================================================================
train_images      (Ntr, 3, S, S)        normalized crops
test_images       (Nte, 3, S, S)
train_anno        (Ntr, 4)              [x, y, w, h] in crop pixels, corners clamped to [0, S - 1]
test_anno         (Nte, 4)
test_label        (Nte, S/16+1, S/16+1) Gaussian label of the stride-16 score map (19x19 for S = 288)
test_label_72     (Nte, S/4+1, S/4+1)   Gaussian label of the stride-4 score map (73x73 for S = 288)
w2h2_72           (Nte, 4)              regression target (left, right, top, bottom) in stride-4 cells
ind_72            (Nte,) int64          row-major index of the target-centre cell in the (S/4)x(S/4) grid
dataset           str                   passed through from the sampler
test_class        str or None           passed through from the sampler
================  ====================  ==========================================================================

The keys ``test_label_72``, ``w2h2_72`` and ``ind_72`` keep their names for any crop size (e.g. a 144-pixel crop
gives 37x37 labels, and ``ind_72`` then indexes a 36x36 grid).
"""
import warnings

import numpy as np
import torch

import ltr.data.processing_utils as prutils
from ltr.data import transforms as tfm
from ltr.libs.tensordict import TensorDict

__all__ = ['BaseProcessing', 'AnchorFreeProcessing']

FCOT_LABEL_FUNCTION_PARAMS = {'sigma_factor': 0.05, 'kernel_sz': 4, 'end_pad_if_even': True}
FCOT_LABEL_72_FUNCTION_PARAMS = {'sigma_factor': 1 / 40, 'kernel_sz': 4, 'end_pad_if_even': True}


class BaseProcessing:
    """Holds the transforms: ``self.transform = {'train', 'test', 'joint'}``.

    Args:
        transform: default image transform for train and test frames (``Transform(ToTensor())``).
        train_transform, test_transform: override ``transform`` for train / test frames.
        joint_transform: applied to all frames of a sample with one random draw (e.g. ``ToGrayscale(0.05)``).
    """

    def __init__(self, transform=None, train_transform=None, test_transform=None, joint_transform=None):
        if transform is None:
            transform = tfm.Transform(tfm.ToTensor())
        self.transform = {'train': transform if train_transform is None else train_transform,
                          'test': transform if test_transform is None else test_transform,
                          'joint': joint_transform}

    def __call__(self, data: TensorDict, rng=None):
        raise NotImplementedError


class AnchorFreeProcessing(BaseProcessing):
    """FCOT training processing (see the module docstring for the outputs).

    Args:
        search_area_factor: crop side = ceil(sqrt(w' h') * search_area_factor) around the jittered box (5.0).
        output_sz: crop size S in pixels after resizing (288; must be a multiple of both strides).
        center_jitter_factor: {'train': 3, 'test': 4.5}.
        scale_jitter_factor: {'train': 0.25, 'test': 0.5}.
        crop_type: 'replicate' (the only one FCOT uses).
        crop_edge_rule: right/bottom padding of the crops, 'official' (default) or 'exact'
            (:func:`ltr.data.processing_utils.sample_target`).
        mode: 'sequence' (frames stacked on dim 0) or 'pair' (one train and one test frame, not stacked).
        label_function_params: stride-16 label, dict with 'sigma_factor' (0.05), 'kernel_sz' (4),
            'end_pad_if_even' (True) and optionally 'feature_sz' (must equal S / clf_stride).
        label_72_function_params: same for the stride-4 label (sigma_factor 1/40).
        clf_stride, reg_stride: strides of the two score maps (16 and 4); grid sizes are S / stride.
        proposal_params: accepted for compatibility with the official settings and ignored (the proposals are
            unused by FCOT's actors), with a warning.
        transform, train_transform, test_transform, joint_transform: see :class:`BaseProcessing`.
    """

    def __init__(self, search_area_factor, output_sz, center_jitter_factor, scale_jitter_factor,
                 crop_type='replicate', mode='sequence', label_function_params=None, label_72_function_params=None,
                 clf_stride=16, reg_stride=4, proposal_params=None, crop_edge_rule='official', *args, **kwargs):
        super().__init__(*args, **kwargs)
        if crop_edge_rule not in prutils.CROP_EDGE_RULES:
            raise ValueError('AnchorFreeProcessing: crop_edge_rule {!r}; allowed: {}'.format(
                crop_edge_rule, prutils.CROP_EDGE_RULES))
        self.crop_edge_rule = crop_edge_rule
        if crop_type != 'replicate':
            raise ValueError("AnchorFreeProcessing: crop_type {!r} is not supported; allowed: 'replicate'".format(
                crop_type))
        if mode not in ('sequence', 'pair'):
            raise ValueError("AnchorFreeProcessing: mode must be 'sequence' or 'pair', got {!r}".format(mode))
        for name, d in (('center_jitter_factor', center_jitter_factor), ('scale_jitter_factor', scale_jitter_factor)):
            if not all(k in d for k in ('train', 'test')):
                raise ValueError("AnchorFreeProcessing: {} must have keys 'train' and 'test', got {}".format(name, d))
        if proposal_params is not None:
            warnings.warn('AnchorFreeProcessing: proposal_params are ignored (FCOT does not use IoU proposals)',
                          stacklevel=2)
        self.search_area_factor = search_area_factor
        self.output_sz = int(output_sz)
        self.center_jitter_factor = center_jitter_factor
        self.scale_jitter_factor = scale_jitter_factor
        self.crop_type = crop_type
        self.mode = mode
        self.clf_stride, self.reg_stride = clf_stride, reg_stride
        self.clf_feature_sz = prutils.feature_size(self.output_sz, clf_stride, 'stride-{} grid'.format(clf_stride))
        self.reg_feature_sz = prutils.feature_size(self.output_sz, reg_stride, 'stride-{} grid'.format(reg_stride))
        self.label_function_params = self._label_params(label_function_params, FCOT_LABEL_FUNCTION_PARAMS,
                                                        self.clf_feature_sz, 'label_function_params')
        self.label_72_function_params = self._label_params(label_72_function_params, FCOT_LABEL_72_FUNCTION_PARAMS,
                                                           self.reg_feature_sz, 'label_72_function_params')

    @staticmethod
    def _label_params(given, default, feature_sz, name):
        params = dict(default)
        if given is not None:
            unknown = set(given) - {'sigma_factor', 'kernel_sz', 'end_pad_if_even', 'feature_sz'}
            if unknown:
                raise ValueError('AnchorFreeProcessing: unknown keys {} in {}; allowed: sigma_factor, kernel_sz, '
                                 'end_pad_if_even, feature_sz'.format(sorted(unknown), name))
            params.update(given)
        if params.get('feature_sz', feature_sz) != feature_sz:
            raise ValueError('AnchorFreeProcessing: {}["feature_sz"] = {} but output_sz / stride = {}'.format(
                name, params['feature_sz'], feature_sz))
        params['feature_sz'] = feature_sz
        return params

    def _get_jittered_box(self, box, mode, rng):
        """Jittered copy of a [x, y, w, h] box with the factors of ``mode`` ('train' or 'test')."""
        return prutils.jitter_box(box, self.scale_jitter_factor[mode], self.center_jitter_factor[mode], rng)

    def _label(self, boxes, params):
        return prutils.gaussian_label_function(boxes, params['sigma_factor'], params['kernel_sz'],
                                               params['feature_sz'], self.output_sz,
                                               end_pad_if_even=params['end_pad_if_even'])

    def __call__(self, data: TensorDict, rng=None):
        """Process a sample from the sampler.

        Args:
            data: TensorDict with 'train_images'/'test_images' (lists of (H, W, 3) uint8 RGB frames) and
                'train_anno'/'test_anno' (lists of (4,) [x, y, w, h] image-pixel boxes), plus pass-through keys.
            rng: ``np.random.Generator`` for every random draw (jitter, transforms); None: a fresh OS-seeded one.
        Returns:
            TensorDict (see the module docstring).
        """
        rng = np.random.default_rng() if rng is None else rng
        if self.mode == 'pair':
            for s in ('train', 'test'):
                if len(data[s + '_images']) != 1:
                    raise ValueError("AnchorFreeProcessing(mode='pair') expects one {} frame, got {}".format(
                        s, len(data[s + '_images'])))

        if self.transform['joint'] is not None:
            data['train_images'], data['train_anno'] = self.transform['joint'](
                image=data['train_images'], bbox=data['train_anno'], rng=rng)
            data['test_images'], data['test_anno'] = self.transform['joint'](
                image=data['test_images'], bbox=data['test_anno'], new_roll=False, rng=rng)

        for s in ('train', 'test'):
            jittered = [self._get_jittered_box(a, s, rng) for a in data[s + '_anno']]
            crops, boxes = prutils.jittered_center_crop(data[s + '_images'], jittered, data[s + '_anno'],
                                                        self.search_area_factor, self.output_sz,
                                                        self.crop_edge_rule)
            boxes = [prutils.clamp_box_corners(b, self.output_sz) for b in boxes]
            data[s + '_images'], data[s + '_anno'] = self.transform[s](image=crops, bbox=boxes, joint=False, rng=rng)

        for key in ('train_images', 'test_images', 'train_anno', 'test_anno'):
            data[key] = torch.stack([torch.as_tensor(v) for v in data[key]], dim=0)

        test_anno = data['test_anno']
        data['test_label'] = self._label(test_anno, self.label_function_params)
        data['test_label_72'] = self._label(test_anno, self.label_72_function_params)
        data['w2h2_72'], data['ind_72'] = prutils.ltrb_regression_targets(test_anno, self.reg_stride,
                                                                          self.reg_feature_sz)

        if self.mode == 'pair':
            data = data.apply(lambda v: v[0] if torch.is_tensor(v) else v)
        return data
