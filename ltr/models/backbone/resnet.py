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
        base_width: channels of ``conv1``; stage ``i`` has ``base_width * 2**i`` (times the block expansion)
            channels. 64 is the standard (ImageNet-compatible) ResNet; smaller values give a thinner network.
        truncate_after_layer3: do not build ``layer4``, ``avgpool`` and ``fc`` (FCOT never runs them). The
            standard network keeps them so that official checkpoints load strictly.
    """

    def __init__(self, block, layers: Sequence[int], output_layers: Iterable[str] = ('layer3',),
                 num_classes: int = 1000, base_width: int = 64, truncate_after_layer3: bool = False):
        super().__init__()
        if base_width < 1:
            raise ValueError(f"base_width must be a positive channel count, got {base_width}")
        w = int(base_width)
        self.output_layers = list(output_layers)
        self.truncated = bool(truncate_after_layer3)
        self.inplanes = w
        self.conv1 = nn.Conv2d(3, w, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(w)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, w, layers[0])
        self.layer2 = self._make_layer(block, 2 * w, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 4 * w, layers[2], stride=2)
        # Channel count of every named output, e.g. {'layer1': 256, ...} for ResNet-50.
        self.out_channels = {'conv1': w, 'layer1': w * block.expansion, 'layer2': 2 * w * block.expansion,
                             'layer3': 4 * w * block.expansion}
        if not self.truncated:
            self.layer4 = self._make_layer(block, 8 * w, layers[3], stride=2)
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(8 * w * block.expansion, num_classes)
            self.out_channels.update(layer4=8 * w * block.expansion, fc=num_classes)
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
        allowed = LAYER_NAMES[:4] if self.truncated else LAYER_NAMES
        unknown = [n for n in wanted if n not in allowed]
        if unknown:
            raise ValueError(f"unknown backbone layer(s) {unknown}; allowed: {list(allowed)}"
                             + (" (this backbone is truncated after layer3)" if self.truncated else ""))
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


def _resnet(name: str, block, layers, output_layers, pretrained: bool, base_width: int = 64,
            truncate_after_layer3: bool = False) -> ResNet:
    model = ResNet(block, layers, output_layers=output_layers, base_width=base_width,
                   truncate_after_layer3=truncate_after_layer3)
    if pretrained:
        if base_width != 64:
            raise ValueError(f"ImageNet weights exist only for base_width=64, got base_width={base_width}")
        from ltr.admin.pretrained import imagenet_resnet_state_dict
        state = imagenet_resnet_state_dict(name)
        if truncate_after_layer3:
            state = {k: v for k, v in state.items() if not k.startswith(('layer4.', 'fc.'))}
        model.load_state_dict(state)
    return model


def resnet18(output_layers=('layer3',), pretrained: bool = False, base_width: int = 64,
             truncate_after_layer3: bool = False) -> ResNet:
    """ResNet-18; layer1/2/3 have 64/128/256 channels (``base_width`` times 1/2/4). ``pretrained`` loads
    torchvision's ImageNet weights from the local cache (never downloads)."""
    return _resnet('resnet18', BasicBlock, [2, 2, 2, 2], output_layers, pretrained, base_width,
                   truncate_after_layer3)


def resnet50(output_layers=('layer3',), pretrained: bool = False, base_width: int = 64,
             truncate_after_layer3: bool = False) -> ResNet:
    """ResNet-50; layer1/2/3 have 256/512/1024 channels (``base_width`` times 4/8/16). ``pretrained`` loads
    torchvision's ImageNet weights from the local cache (never downloads)."""
    return _resnet('resnet50', Bottleneck, [3, 4, 6, 3], output_layers, pretrained, base_width,
                   truncate_after_layer3)
