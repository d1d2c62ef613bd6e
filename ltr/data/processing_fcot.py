"""Upstream FCOT module path of :class:`AnchorFreeProcessing` (``ltr/data/processing_fcot.py``); see
:mod:`ltr.data.processing`."""
from ltr.data.processing import AnchorFreeProcessing, BaseProcessing

__all__ = ['AnchorFreeProcessing', 'BaseProcessing']
