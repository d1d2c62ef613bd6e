"""A tiny network with a @model_constructor builder, for checkpoint round-trip tests."""

import torch
from torch import nn

from ltr import model_constructor


class ToyNet(nn.Module):
    """conv -> batchnorm -> linear head; has parameters and buffers like a real tracker net."""

    def __init__(self, channels, scale):
        super().__init__()
        self.feature_extractor = nn.Sequential(nn.Conv2d(3, channels, 3, padding=1), nn.BatchNorm2d(channels))
        self.head = nn.Linear(channels, 2)
        self.scale = scale

    def forward(self, x):
        f = self.feature_extractor(x).mean(dim=(2, 3))
        return self.head(f) * self.scale


@model_constructor
def toy_net(channels=4, backbone_pretrained=True, scale=1.0):
    """Build a :class:`ToyNet`; records ``backbone_pretrained`` so tests can see what load_network passed."""
    net = ToyNet(channels, scale)
    net.backbone_pretrained = backbone_pretrained
    return net


@model_constructor
def toy_net_no_pretrained_arg(channels=4):
    """A builder without a ``backbone_pretrained`` argument."""
    return ToyNet(channels, 1.0)


def randomize_(net, seed=0):
    """Fill every parameter and float buffer with seeded random values (so reloads are distinguishable)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for t in list(net.parameters()) + [b for b in net.buffers() if b.is_floating_point()]:
            t.copy_(torch.rand(t.shape, generator=g) + 0.5)
    return net
