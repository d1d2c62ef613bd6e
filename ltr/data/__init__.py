"""Training data pipeline: image loading, sampling, processing, transforms and the loader.

``from ltr.data import LTRLoader`` (pytracking convention); the other modules are imported by name
(``ltr.data.sampler``, ``ltr.data.processing``, ``ltr.data.transforms``, ``ltr.data.processing_utils``,
``ltr.data.image_loader``).
"""
from ltr.data.loader import LTRLoader

__all__ = ['LTRLoader']
