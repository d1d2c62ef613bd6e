"""Registry of the evaluation datasets: ``dataset_dict``, ``load_dataset``, ``get_dataset``.

Keys (current pytracking names, plus FCOT's short aliases):

    otb, nfs, uav, lasot, vot (VOT2018, one-pass), trackingnet (alias tn),
    got10k_test (gott), got10k_val (gotv), got10k_ltrval (gotlv), synthetic
"""
import importlib
from collections import namedtuple

from pytracking.evaluation.data import SequenceList

__all__ = ['DatasetInfo', 'dataset_dict', 'load_dataset', 'get_dataset', 'UnknownDatasetError']


class UnknownDatasetError(ValueError):
    """A dataset name that is not registered (the message lists the valid ones)."""


DatasetInfo = namedtuple('DatasetInfo', ['module', 'class_name', 'kwargs'])

_pt = 'pytracking.evaluation.{}dataset'

dataset_dict = dict(
    otb=DatasetInfo(module=_pt.format('otb'), class_name='OTBDataset', kwargs=dict()),
    nfs=DatasetInfo(module=_pt.format('nfs'), class_name='NFSDataset', kwargs=dict()),
    uav=DatasetInfo(module=_pt.format('uav'), class_name='UAVDataset', kwargs=dict()),
    lasot=DatasetInfo(module=_pt.format('lasot'), class_name='LaSOTDataset', kwargs=dict()),
    vot=DatasetInfo(module=_pt.format('vot'), class_name='VOTDataset', kwargs=dict()),
    trackingnet=DatasetInfo(module=_pt.format('trackingnet'), class_name='TrackingNetDataset', kwargs=dict()),
    got10k_test=DatasetInfo(module=_pt.format('got10k'), class_name='GOT10KDataset', kwargs=dict(split='test')),
    got10k_val=DatasetInfo(module=_pt.format('got10k'), class_name='GOT10KDataset', kwargs=dict(split='val')),
    got10k_ltrval=DatasetInfo(module=_pt.format('got10k'), class_name='GOT10KDataset',
                              kwargs=dict(split='ltrval')),
    synthetic=DatasetInfo(module=_pt.format('synthetic'), class_name='SyntheticDataset', kwargs=dict()),
)
# FCOT's short keys
dataset_dict['tn'] = dataset_dict['trackingnet']
dataset_dict['gott'] = dataset_dict['got10k_test']
dataset_dict['gotv'] = dataset_dict['got10k_val']
dataset_dict['gotlv'] = dataset_dict['got10k_ltrval']


def load_dataset(name):
    """The SequenceList of the dataset registered as ``name`` (case-insensitive).

    Raises ValueError listing the valid keys for an unknown name; the dataset
    classes raise SettingsError/DatasetLayoutError naming the local.py field
    when its folder is wrong.
    """
    key = str(name).lower()
    info = dataset_dict.get(key)
    if info is None:
        raise UnknownDatasetError("Unknown dataset '{}'; valid names: {}".format(name, ', '.join(dataset_dict)))
    module = importlib.import_module(info.module)
    dataset = getattr(module, info.class_name)(**info.kwargs)
    return dataset.get_sequence_list()


def get_dataset(*args):
    """The concatenated SequenceList of the named datasets, e.g. ``get_dataset('nfs', 'uav')``."""
    dset = SequenceList()
    for name in args:
        dset.extend(load_dataset(name))
    return dset
