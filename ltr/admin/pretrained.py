"""ImageNet weights for the ResNet backbones, from local files only (never downloaded).

The files are torchvision's ``IMAGENET1K_V1`` checkpoints (file names taken from the weight URLs, e.g.
``resnet50-0676ba61.pth``). They are looked for in ``torch.hub.get_dir()/checkpoints/`` (where torchvision
caches downloads) and in ``pretrained_networks`` of the ltr settings file.
"""

import os
from pathlib import Path

import torch

from ltr.admin.environment import env_settings, local_file_path

__all__ = ['imagenet_resnet_state_dict', 'imagenet_weights_url', 'imagenet_weights_search_dirs']

_WEIGHT_ENUMS = {'resnet18': 'ResNet18_Weights', 'resnet50': 'ResNet50_Weights'}


def imagenet_weights_url(name):
    """torchvision's ``IMAGENET1K_V1`` URL for ``name`` in {'resnet18', 'resnet50'}."""
    if name not in _WEIGHT_ENUMS:
        raise ValueError('No ImageNet weights known for {!r}; allowed: {}.'.format(name, sorted(_WEIGHT_ENUMS)))
    import torchvision.models
    return getattr(torchvision.models, _WEIGHT_ENUMS[name]).IMAGENET1K_V1.url


def imagenet_weights_search_dirs():
    """The folders searched, in order: torch hub's ``checkpoints/``, then ``pretrained_networks`` (if set)."""
    dirs = [Path(torch.hub.get_dir()) / 'checkpoints']
    pretrained = getattr(env_settings(), 'pretrained_networks', '')
    if pretrained:
        dirs.append(Path(os.path.expanduser(pretrained)))
    return dirs


def imagenet_resnet_state_dict(name):
    """The torchvision ImageNet state_dict of ``name`` ('resnet18' or 'resnet50'), read from a local file.

    Raises ``FileNotFoundError`` naming the file, its URL and the folders it can be put in; nothing is downloaded.
    """
    url = imagenet_weights_url(name)
    file_name = url.rsplit('/', 1)[-1]
    dirs = imagenet_weights_search_dirs()
    for directory in dirs:
        path = directory / file_name
        if path.is_file():
            return torch.load(path, map_location='cpu', weights_only=True)
    where = ' or '.join(str(d) for d in dirs)
    if len(dirs) == 1:
        where += (' (or set `pretrained_networks` in the ltr settings file {} and put it there)'
                  .format(local_file_path()))
    raise FileNotFoundError('ImageNet weights for {} not found: the file {} (download it from {}) must be put in {}. '
                            'Nothing is downloaded automatically.'.format(name, file_name, url, where))
