"""Compatibility shim for ``ltr.external.PreciseRoIPooling.pytorch.prroi_pool.functional``.

``prroi_pool2d(features, rois, pooled_height, pooled_width, spatial_scale)`` as in the official package,
implemented in pure PyTorch by ``ltr.models.layers.prroi_pool``.
"""

from ltr.models.layers.prroi_pool import prroi_pool2d

__all__ = ['prroi_pool2d']
