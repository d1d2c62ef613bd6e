"""ResNet backbones (torchvision layout) that return intermediate layers.

The module keeps ``layer4``, ``avgpool`` and ``fc`` so that official pytracking/FCOT checkpoints load
strictly, but :meth:`ResNet.forward` stops as soon as every requested layer has been computed.
"""
from collections import OrderedDict
from typing import Iterable, Sequence

import torch
import torch.nn as nn
from torchvision.models.resnet import BasicBlock, Bottleneck

LAYER_NAMES = ('conv1', 'layer1', 'layer2', 'layer3', 'layer4', 'fc')


class ResNet(nn.Module):
    """ResNet v1.5 (stride on the 3x3 conv) with named outputs.

    Strides: ``conv1`` /2 (before maxpool), ``layer1`` /4, ``layer2`` /8, ``layer3`` /16, ``layer4`` /32.

    Args:
        block: torchvision ``BasicBlock`` or ``Bottleneck``.
        layers: number of blocks per stage, e.g. ``[3, 4, 6, 3]``.
        output_layers: default layers returned by :meth:`forward`.
        num_classes: size of the (unused) ``fc`` layer, 1000 for checkpoint compatibility.
    """

    def __init__(self, block, layers: Sequence[int], output_layers: Iterable[str] = ('layer3',),
                 num_classes: int = 1000):
        super().__init__()
        self.output_layers = list(output_layers)
        self.inplanes = 64
        self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)
        # Channel count of every named output, e.g. {'layer1': 256, ...} for ResNet-50.
        self.out_channels = {'conv1': 64, 'layer1': 64 * block.expansion, 'layer2': 128 * block.expansion,
                             'layer3': 256 * block.expansion, 'layer4': 512 * block.expansion,
                             'fc': num_classes}
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def _make_layer(self, block, planes: int, blocks: int, stride: int = 1) -> nn.Sequential:
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes * block.expansion, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        layers.extend(block(self.inplanes, planes) for _ in range(1, blocks))
        return nn.Sequential(*layers)

    def forward(self, x: torch.Tensor, output_layers: Iterable[str] = None) -> 'OrderedDict[str, torch.Tensor]':
        """Run the network up to the last requested layer.

        Args:
            x: ``(N, 3, H, W)`` ImageNet-normalised RGB images.
            output_layers: names from ``('conv1', 'layer1', 'layer2', 'layer3', 'layer4', 'fc')``.
        Returns:
            OrderedDict name -> feature map, e.g. ``layer3``: ``(N, 4*256, H/16, W/16)`` for ResNet-50.
        """
        wanted = list(self.output_layers if output_layers is None else output_layers)
        unknown = [n for n in wanted if n not in LAYER_NAMES]
        if unknown:
            raise ValueError(f"unknown backbone layer(s) {unknown}; allowed: {list(LAYER_NAMES)}")
        remaining = set(wanted)
        outputs = OrderedDict()

        def keep(name, value):
            if name in remaining:
                outputs[name] = value
                remaining.discard(name)
            return not remaining

        x = self.relu(self.bn1(self.conv1(x)))
        if keep('conv1', x):
            return outputs
        x = self.maxpool(x)
        for name in ('layer1', 'layer2', 'layer3', 'layer4'):
            x = getattr(self, name)(x)
            if keep(name, x):
                return outputs
        x = torch.flatten(self.avgpool(x), 1)
        keep('fc', self.fc(x))
        return outputs


def _resnet(name: str, block, layers, output_layers, pretrained: bool) -> ResNet:
    model = ResNet(block, layers, output_layers=output_layers)
    if pretrained:
        from ltr.admin.pretrained import imagenet_resnet_state_dict
        model.load_state_dict(imagenet_resnet_state_dict(name))
    return model


def resnet18(output_layers=('layer3',), pretrained: bool = False) -> ResNet:
    """ResNet-18; layer1/2/3 have 64/128/256 channels. ``pretrained`` loads torchvision's ImageNet weights
    from the local cache (never downloads)."""
    return _resnet('resnet18', BasicBlock, [2, 2, 2, 2], output_layers, pretrained)


def resnet50(output_layers=('layer3',), pretrained: bool = False) -> ResNet:
    """ResNet-50; layer1/2/3 have 256/512/1024 channels. ``pretrained`` loads torchvision's ImageNet weights
    from the local cache (never downloads)."""
    return _resnet('resnet50', Bottleneck, [3, 4, 6, 3], output_layers, pretrained)
