"""Lazy network holders used by parameter files (``params.net = NetWithBackbone('fcot.pth')``)."""
import os
from typing import Sequence, Union

import torch
import torch.nn as nn

from ltr.admin.loading import load_network

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def resolve_network_path(net_path: str, network_path: Union[str, Sequence[str], None] = None) -> str:
    """Resolve ``net_path`` like pytracking: absolute (or existing) paths are used as they are, a relative
    name is looked up in ``network_path`` (a folder or a list of folders, default: ``network_path`` of
    ``pytracking/evaluation/local.py``). Raises ``FileNotFoundError`` naming every path tried and the setting."""
    if os.path.isabs(net_path) or os.path.exists(net_path):
        if os.path.exists(net_path):
            return net_path
        raise FileNotFoundError(f"network file {net_path!r} does not exist")
    source = 'the network_path argument'
    if network_path is None:
        from pytracking.evaluation.environment import env_settings, local_file_path
        network_path = env_settings().network_path
        source = f"network_path in {local_file_path()}"
    folders = [network_path] if isinstance(network_path, str) else list(network_path)
    tried = [os.path.join(folder, net_path) for folder in folders]
    for path in tried:
        if os.path.exists(path):
            return path
    raise FileNotFoundError(f"network {net_path!r} not found; tried {tried} (set by {source}). Put the file there "
                            f"(e.g. the released fcot.pth) or set params.net to an absolute path.")


class NetWrapper:
    """Holds a network that is loaded on :meth:`initialize` (pytracking's ``NetWrapper``).

    ``net_path`` may also be an ``nn.Module`` (used as is). Attribute access is forwarded to the network.
    ``use_gpu``: ``None`` = CUDA when available, else CPU; ``True`` requires CUDA (error if absent); ``False`` = CPU.
    """

    def __init__(self, net_path: Union[str, nn.Module], use_gpu: bool = True, initialize: bool = False,
                 network_path=None, **kwargs):
        self.net_path = net_path
        self.use_gpu = torch.cuda.is_available() if use_gpu is None else use_gpu
        self.network_path = network_path
        self.net = None
        if initialize:
            self.initialize()

    def __getattr__(self, name):
        # Only called for attributes missing on the wrapper: forward them to the loaded network.
        net = self.__dict__.get('net')
        if net is None:
            raise AttributeError(f"{type(self).__name__} has no attribute {name!r} (network not initialized)")
        return getattr(net, name)

    @property
    def device(self) -> torch.device:
        return torch.device('cuda') if self.use_gpu else torch.device('cpu')

    def load_network(self):
        if isinstance(self.net_path, nn.Module):
            self.net = self.net_path
        else:
            self.net = load_network(resolve_network_path(self.net_path, self.network_path))
        if self.use_gpu and not torch.cuda.is_available():
            raise RuntimeError("params.use_gpu is True but CUDA is not available; set use_gpu=False (CPU) or None "
                               "(automatic), or run on a machine with a CUDA GPU")
        self.net = self.net.to(self.device).eval()

    def initialize(self):
        if self.net is None:
            self.load_network()


class NetWithBackbone(NetWrapper):
    """A network with ``extract_backbone_features``; adds image normalisation.

    ``preprocess_image`` takes ``(N, 3, H, W)`` float images in [0, 255] (RGB) and returns ImageNet-normalised
    tensors on the network's device.
    """

    def __init__(self, net_path, use_gpu: bool = True, initialize: bool = False, image_format: str = 'rgb',
                 mean=IMAGENET_MEAN, std=IMAGENET_STD, **kwargs):
        super().__init__(net_path, use_gpu, initialize, **kwargs)
        if image_format not in ('rgb', 'bgr', 'rgb255', 'bgr255'):
            raise ValueError(f"image_format={image_format!r}; allowed: 'rgb', 'bgr', 'rgb255', 'bgr255'")
        self.image_format = image_format
        self._mean = torch.tensor(mean).view(1, -1, 1, 1)
        self._std = torch.tensor(std).view(1, -1, 1, 1)

    def initialize(self):
        super().initialize()
        self._mean = self._mean.to(self.device)
        self._std = self._std.to(self.device)

    def preprocess_image(self, im: torch.Tensor) -> torch.Tensor:
        im = im.to(self.device, non_blocking=True)
        if self.image_format in ('rgb', 'bgr'):
            im = im / 255
        if self.image_format in ('bgr', 'bgr255'):
            im = im[:, [2, 1, 0], :, :]
        return (im - self._mean) / self._std

    def extract_backbone(self, im: torch.Tensor):
        return self.net.extract_backbone_features(self.preprocess_image(im))
