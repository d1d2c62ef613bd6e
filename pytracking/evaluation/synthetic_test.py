"""The held-out synthetic test set: sequences of the generator's ``test`` split (photographs and videos that no
training sequence shows), generated on demand into a folder in the GOT-10k layout.

The set is a pure function of :data:`SYNTHETIC_TEST`; sequence ``i`` does not depend on how many sequences are
generated, so a set of N sequences is the first N of the full set (with the same ``num_frames``).
"""
import os

from pytracking.evaluation.data import SequenceList

__all__ = ['SYNTHETIC_TEST', 'synthetic_test_folder', 'synthetic_test_sequences']

#: The generator parameters of the test set (README and docs/fcot_tiny.md report numbers on exactly this set).
SYNTHETIC_TEST = {'split': 'test', 'num_sequences': 30, 'num_frames': 100, 'size': (320, 240), 'seed': 0,
                  'p_occlusion': 0.5}


def synthetic_test_folder(data_dir, num_sequences=None, num_frames=None) -> str:
    """``<data_dir>/synthetic_test_<N>x<F>``: the folder of the set with N sequences of F frames."""
    n = SYNTHETIC_TEST['num_sequences'] if num_sequences is None else int(num_sequences)
    f = SYNTHETIC_TEST['num_frames'] if num_frames is None else int(num_frames)
    return os.path.join(os.fspath(data_dir), 'synthetic_test_{}x{}'.format(n, f))


def synthetic_test_sequences(data_dir, num_sequences=None, num_frames=None, verbose=True) -> SequenceList:
    """Generate (if needed) and load the test set: a SequenceList with dataset tag 'synthetic' and
    ``target_visible`` from ``absence.label``."""
    from ltr.dataset.synthetic import ensure_synthetic_dataset
    from pytracking.evaluation.syntheticdataset import SyntheticDataset
    params = dict(SYNTHETIC_TEST)
    if num_sequences is not None:
        params['num_sequences'] = int(num_sequences)
    if num_frames is not None:
        params['num_frames'] = int(num_frames)
    folder = synthetic_test_folder(data_dir, params['num_sequences'], params['num_frames'])
    existed = os.path.isdir(folder) and bool(os.listdir(folder))
    if verbose and not existed:
        print('Generating the held-out synthetic test set ({} sequences x {} frames) into {}'.format(
            params['num_sequences'], params['num_frames'], folder), flush=True)
    ensure_synthetic_dataset(folder, verbose=verbose and not existed, **params)
    return SyntheticDataset(path=folder).get_sequence_list()
