"""Training datasets (pytracking ``ltr.dataset`` API): ``from ltr.dataset import Lasot, Got10k, TrackingNet, MSCOCOSeq``.

``SyntheticGot10k`` reads the generated synthetic dataset (``ltr.dataset.synthetic``) from ``synthetic_dir``.
"""
from ltr.dataset.base_video_dataset import BaseVideoDataset
from ltr.dataset.coco_seq import MSCOCOSeq
from ltr.dataset.got10k import Got10k
from ltr.dataset.lasot import Lasot
from ltr.dataset.synthetic_got10k import SyntheticGot10k
from ltr.dataset.tracking_net import TrackingNet

__all__ = ['BaseVideoDataset', 'Got10k', 'Lasot', 'TrackingNet', 'MSCOCOSeq', 'SyntheticGot10k']
