"""FCOT as a tracker of the got10k toolkit (``pip install got10k``): ``ExperimentGOT10k``, ``ExperimentOTB``, ...

    from got10k.experiments import ExperimentGOT10k
    from pytracking.integrations.got10k import FCOTTracker
    experiment = ExperimentGOT10k('path/to/GOT-10k', subset='val')
    experiment.run(FCOTTracker('demo'))            # FCOT-tiny; FCOTTracker('default', net='fcot.pth') for FCOT
    experiment.report(['FCOT_demo'])

The toolkit passes PIL images and ``[x, y, w, h]`` boxes (image pixels); a fresh FCOT tracker is built for every
sequence (``init``). The tracker is deterministic when its parameter file fixes the augmentation seed (``demo``
does), so the toolkit runs one repetition instead of three.
"""
import numpy as np
from got10k.trackers import Tracker as _Got10kTracker

__all__ = ['FCOTTracker']


class FCOTTracker(_Got10kTracker):
    """A got10k-toolkit tracker running FCOT with parameter file ``param_name`` (and optionally network ``net``).

    Args:
        param_name: a file of ``pytracking/parameter/fcot/`` (``'demo'`` = FCOT-tiny, shipped).
        net: a network file (or module) replacing the parameter file's.
        name: the name the toolkit stores results under (default ``FCOT_<param_name>``).
        use_gpu: None (CUDA when available), True or False.
        overrides: further tracking parameters (e.g. ``image_sample_size=144``).
    """

    def __init__(self, param_name='demo', net=None, name=None, use_gpu=None, **overrides):
        from pytracking import make_tracker
        self._make = lambda: make_tracker('fcot', param_name, net=net, use_gpu=use_gpu, **overrides)
        probe = self._make()   # fails here, once, for a wrong parameter name or option
        super().__init__(name or 'FCOT_{}'.format(param_name),
                         is_deterministic=probe.params.get('seed', None) is not None)
        self._tracker = None

    @staticmethod
    def _rgb(image):
        if hasattr(image, 'convert'):
            image = image.convert('RGB')
        return np.array(image, dtype=np.uint8)   # a writable copy (PIL's buffer is read-only)

    def init(self, image, box):
        self._tracker = self._make()
        self._tracker.initialize(self._rgb(image), {'init_bbox': [float(v) for v in np.asarray(box).reshape(-1)]})

    def update(self, image):
        if self._tracker is None:
            raise RuntimeError('FCOTTracker.update() before init()')
        return np.asarray(self._tracker.track(self._rgb(image))['target_bbox'], dtype=np.float64)
