"""Compatibility shim for the official import path ``ltr.external.PreciseRoIPooling.pytorch.prroi_pool``.

The official code uses a CUDA-only git submodule (vacancy/PreciseRoIPooling). Here the pure-PyTorch
implementation in ``ltr.models.layers.prroi_pool`` is re-exported (works on CPU and CUDA).
"""

from ltr.models.layers.prroi_pool import PrRoIPool2D, prroi_pool2d

__all__ = ['PrRoIPool2D', 'prroi_pool2d']
