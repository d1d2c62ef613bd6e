"""Programmatic tracker construction without ``local.py`` or datasets.

Example::

    from pytracking import make_tracker
    tracker = make_tracker('fcot', 'default', net='/path/to/fcot.pth')   # or an nn.Module
    tracker.initialize(first_frame_rgb, {'init_bbox': [x, y, w, h]})
    box = tracker.track(next_frame_rgb)['target_bbox']
"""
import importlib
from typing import Optional, Union

import torch
import torch.nn as nn


def make_tracker(tracker_name: str = 'fcot', param_name: str = 'default',
                 net: Optional[Union[str, nn.Module]] = None, use_gpu: Optional[bool] = None, **param_overrides):
    """Build a tracker from ``pytracking/parameter/<tracker_name>/<param_name>.py``.

    Args:
        net: a checkpoint path (``fcot.pth``; relative paths are taken from the current directory if the file
            exists there, else from ``network_path`` in ``local.py``) or an already built network module.
            ``None`` keeps the parameter file's network (``fcot.pth`` in ``network_path``).
        use_gpu: ``None`` = CUDA when available; ``True`` raises if CUDA is absent.
        param_overrides: parameter values to change (e.g. ``image_sample_size=144``, ``seed=0``).
    Returns:
        the tracker object (``initialize(image, info)``, ``track(image)``).
    """
    from pytracking.features.net_wrappers import NetWithBackbone
    try:
        param_module = importlib.import_module(f'pytracking.parameter.{tracker_name}.{param_name}')
    except ModuleNotFoundError as e:
        raise ValueError(f"no parameter file pytracking/parameter/{tracker_name}/{param_name}.py ({e})") from e
    params = param_module.parameters()
    if use_gpu is None:
        use_gpu = torch.cuda.is_available()
    if use_gpu and not torch.cuda.is_available():
        raise RuntimeError("use_gpu=True but CUDA is not available; pass use_gpu=False (or None for automatic)")
    params.use_gpu = use_gpu
    for name, value in param_overrides.items():
        if not params.has(name):
            raise ValueError(f"unknown parameter {name!r} for {tracker_name}/{param_name}")
        setattr(params, name, value)
    if net is not None:
        params.net = NetWithBackbone(net_path=net, use_gpu=use_gpu)
    else:
        params.net.use_gpu = use_gpu
    tracker_module = importlib.import_module(f'pytracking.tracker.{tracker_name}')
    return tracker_module.get_tracker_class()(params)
