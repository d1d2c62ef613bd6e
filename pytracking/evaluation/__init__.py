"""Evaluation: sequences and datasets, the Tracker wrapper, running trackers over datasets.

Boxes are ``[x, y, w, h]`` (top-left corner, width, height) in image pixels.
"""
from pytracking.evaluation.data import BaseDataset, Sequence, SequenceList
from pytracking.evaluation.datasets import get_dataset, load_dataset
from pytracking.evaluation.running import run_dataset
from pytracking.evaluation.tracker import Tracker, trackerlist

__all__ = ['Sequence', 'SequenceList', 'BaseDataset', 'Tracker', 'trackerlist', 'get_dataset', 'load_dataset',
           'run_dataset']
