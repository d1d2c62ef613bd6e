"""Checkpoint loading: restricted unpickler, load_network / load_weights, DiMP-50 -> FCOT, ImageNet weights."""

import builtins
import collections
import io
import os
import pickle
import subprocess
import sys
import types

import pytest
import torch
from torch import nn

import toy_net as toy
from manifest import read_manifest
from ltr.admin import loading
from ltr.admin.loading import (CheckpointError, StateDictMismatchError, load_dimp50_into_fcot, load_network,
                               load_weights, torch_load_legacy)
from ltr.admin.model_constructor import NetConstructor
from ltr.admin.restricted_pickle import LegacyObject, restricted_pickle_module

from manifest import MANIFEST  # noqa: E402
TOY_MODULE = toy.toy_net.__module__
BUFFER_SUFFIXES = ('running_mean', 'running_var', 'num_batches_tracked')


# ----------------------------------------------------------------------------------------------- helpers
def _fake_class(monkeypatch, module_name, class_name, body=None):
    """A class that pickles as ``module_name.class_name`` (only while ``monkeypatch`` is active)."""
    parts = module_name.split('.')
    for i in range(1, len(parts)):  # pickle imports the top-level package: fake missing parents
        parent = '.'.join(parts[:i])
        if parent not in sys.modules:
            monkeypatch.setitem(sys.modules, parent, types.ModuleType(parent))
    module = sys.modules.get(module_name)
    if not getattr(module, '_is_fake', False):
        module = types.ModuleType(module_name)
        module._is_fake = True
        monkeypatch.setitem(sys.modules, module_name, module)
    cls = type(class_name, (), dict(body or {}))
    cls.__module__ = module_name
    cls.__qualname__ = class_name
    setattr(module, class_name, cls)
    return cls


def _official_checkpoint(net, use_zip):
    """Bytes of an official-format checkpoint whose settings/stats pickle as the official ltr classes."""
    buffer = io.BytesIO()
    with pytest.MonkeyPatch.context() as mp:
        def refuse(self, state):
            raise AssertionError('the original class must never be used when loading')

        Settings = _fake_class(mp, 'ltr.admin.settings', 'Settings', {'__setstate__': refuse})
        EnvironmentSettings = _fake_class(mp, 'ltr.admin.local', 'EnvironmentSettings', {'__setstate__': refuse})
        AverageMeter = _fake_class(mp, 'ltr.admin.stats', 'AverageMeter', {'__setstate__': refuse})
        env = EnvironmentSettings.__new__(EnvironmentSettings)
        env.__dict__.update(workspace_dir='/ws', got10k_dir='/data/got10k')
        settings = Settings.__new__(Settings)
        settings.__dict__.update(env=env, use_gpu=True, batch_size=16)
        meter = AverageMeter.__new__(AverageMeter)
        meter.__dict__.update(val=0.5, avg=0.25, sum=1.0, count=4, history=[0.3])
        optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
        ckpt = {'epoch': 7, 'actor_type': 'ToyActor', 'net_type': 'ToyNet', 'net': net.state_dict(),
                'net_info': None, 'constructor': net.constructor, 'optimizer': optimizer.state_dict(),
                'stats': collections.OrderedDict(train=collections.OrderedDict({'Loss/total': meter})),
                'settings': settings}
        torch.save(ckpt, buffer, _use_new_zipfile_serialization=use_zip)
    for name in ('ltr.admin.settings', 'ltr.admin.local', 'ltr.admin.stats'):
        assert not getattr(sys.modules.get(name), '_is_fake', False)
    return buffer.getvalue()


def _outputs(net, seed=1):
    x = torch.randn(2, 3, 8, 8, generator=torch.Generator().manual_seed(seed))
    with torch.no_grad():
        return net.eval()(x)


# ----------------------------------------------------------------------------------------------- restricted unpickler
@pytest.mark.parametrize('use_zip', [True, False], ids=['zip', 'legacy'])
def test_official_checkpoint_loads_with_placeholders(use_zip):
    net = toy.randomize_(toy.toy_net(channels=5))
    data = _official_checkpoint(net, use_zip)
    ckpt = torch_load_legacy(io.BytesIO(data))

    assert ckpt['epoch'] == 7 and ckpt['net_type'] == 'ToyNet'
    for key, value in net.state_dict().items():
        assert torch.equal(ckpt['net'][key], value), key
    assert isinstance(ckpt['constructor'], NetConstructor)
    assert ckpt['constructor'] == net.constructor

    settings = ckpt['settings']
    assert isinstance(settings, LegacyObject)
    assert (type(settings).legacy_module, type(settings).legacy_name) == ('ltr.admin.settings', 'Settings')
    assert settings.use_gpu is True and settings.batch_size == 16
    assert (type(settings.env).legacy_module, type(settings.env).legacy_name) == \
           ('ltr.admin.local', 'EnvironmentSettings')
    assert settings.env.workspace_dir == '/ws' and settings.env.got10k_dir == '/data/got10k'

    meter = ckpt['stats']['train']['Loss/total']   # a plain data holder of this package: loaded as the real class
    from ltr.admin.stats import AverageMeter
    assert type(meter) is AverageMeter
    assert (meter.avg, meter.count, meter.history) == (0.25, 4, [0.3])
    assert set(ckpt['optimizer']) == {'state', 'param_groups'}

    # placeholders survive a re-save and reload
    buffer = io.BytesIO()
    torch.save(ckpt, buffer)
    again = torch_load_legacy(io.BytesIO(buffer.getvalue()))
    assert again['settings'].env.workspace_dir == '/ws'
    assert type(again['settings']) is type(settings)


def test_dlframework_alias_maps_to_ltr(monkeypatch):
    with monkeypatch.context() as mp:
        Old = _fake_class(mp, 'dlframework.admin.model_constructor', 'NetConstructor')
        old = Old.__new__(Old)
        old.__dict__.update(fun_name='dimpnet50', fun_module='dlframework.models.tracking.dimpnet', args=(),
                            kwds={'backbone_pretrained': True})
        buffer = io.BytesIO()
        torch.save({'constructor': old, 'x': torch.ones(2)}, buffer)
    loaded = torch_load_legacy(io.BytesIO(buffer.getvalue()))
    assert isinstance(loaded['constructor'], NetConstructor)
    assert loaded['constructor'].fun_module == 'dlframework.models.tracking.dimpnet'
    assert torch.equal(loaded['x'], torch.ones(2))


class _Evil:
    def __init__(self, fun, *args):
        self.fun, self.args = fun, args

    def __reduce__(self):
        return self.fun, self.args


def test_malicious_pickle_executes_nothing(tmp_path):
    marker = tmp_path / 'pwned'
    victim = tmp_path / 'victim'
    victim.write_text('keep me')
    payload = {
        'system': _Evil(os.system, 'touch {}'.format(marker)),
        'exec': _Evil(builtins.exec, 'open({!r}, "w").write("x")'.format(str(marker))),
        'eval': _Evil(builtins.eval, '__import__("os").remove({!r})'.format(str(victim))),
        'remove': _Evil(os.remove, str(victim)),
        'popen': _Evil(subprocess.Popen, ['touch', str(marker)]),
        'getattr': _Evil(getattr, 'text', 'upper'),
        'import': _Evil(builtins.__import__, 'os'),
        'net': {'w': torch.arange(4.0)},
    }
    for saver in ('torch_zip', 'torch_legacy', 'pickle'):
        buffer = io.BytesIO()
        if saver == 'pickle':
            pickle.dump(payload, buffer, protocol=2)
            loaded = restricted_pickle_module.loads(buffer.getvalue())
        else:
            torch.save(payload, buffer, _use_new_zipfile_serialization=(saver == 'torch_zip'))
            loaded = torch_load_legacy(io.BytesIO(buffer.getvalue()))
        assert not marker.exists(), saver
        assert victim.read_text() == 'keep me', saver
        assert isinstance(loaded['system'], LegacyObject)
        assert type(loaded['system']).legacy_name == 'system'
        assert type(loaded['system']).legacy_module in ('os', 'posix', 'nt')
        assert loaded['system'].legacy_args == ('touch {}'.format(marker),)
        assert (type(loaded['exec']).legacy_module, type(loaded['exec']).legacy_name) == ('builtins', 'exec')
        assert type(loaded['eval']).legacy_name == 'eval'
        assert type(loaded['popen']).legacy_name == 'Popen'
        assert type(loaded['getattr']).legacy_name == 'getattr'
        assert isinstance(loaded['import'], LegacyObject)
        assert torch.equal(loaded['net']['w'], torch.arange(4.0))
    assert not marker.exists()


def test_placeholder_called_or_rebuilt_stays_inert():
    from ltr.admin.restricted_pickle import placeholder_class, resolve_global
    cls = resolve_global('os', 'system')
    assert cls is placeholder_class('os', 'system')
    obj = cls('rm -rf /', flag=True)
    assert obj.legacy_args == ('rm -rf /',) and obj.legacy_kwargs == {'flag': True}
    assert resolve_global('torch._utils', '_rebuild_tensor_v2') is torch._utils._rebuild_tensor_v2
    assert resolve_global('torch', 'float16') is torch.float16
    assert resolve_global('__builtin__', 'set') is set
    import numpy
    reconstruct = resolve_global('numpy.core.multiarray', '_reconstruct')  # as numpy 1.x pickles name it
    assert reconstruct is resolve_global('numpy._core.multiarray', '_reconstruct')
    assert reconstruct.__module__.startswith('numpy') and callable(reconstruct)
    assert resolve_global('dlframework.admin.model_constructor', 'NetConstructor') is NetConstructor
    assert resolve_global('numpy', 'ndarray') is numpy.ndarray
    assert issubclass(resolve_global('torch', 'load'), LegacyObject)
    assert issubclass(resolve_global('torch.serialization', 'load'), LegacyObject)


# ----------------------------------------------------------------------------------------------- load_network
def _save_ours(path, net, epoch=1):
    torch.save({'epoch': epoch, 'actor_type': 'ToyActor', 'net_type': type(net).__name__, 'net': net.state_dict(),
                'net_info': None, 'constructor': net.constructor, 'optimizer': None, 'stats': None,
                'settings': None}, path)
    return path


def test_load_network_round_trip(tmp_path):
    net = toy.randomize_(toy.toy_net(channels=6, scale=2.0))
    path = _save_ours(tmp_path / 'ToyNet_ep0001.pth.tar', net)
    loaded = load_network(path, trusted_modules=(TOY_MODULE,))
    assert type(loaded) is toy.ToyNet
    assert torch.equal(_outputs(loaded), _outputs(net))
    assert loaded.backbone_pretrained is False  # forced
    assert loaded.constructor == NetConstructor('toy_net', TOY_MODULE, (), {'channels': 6, 'scale': 2.0,
                                                                           'backbone_pretrained': False})
    assert loaded.info is None
    for key, value in net.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value)


def test_load_network_official_format_and_overrides(tmp_path):
    net = toy.randomize_(toy.toy_net(channels=5))
    path = tmp_path / 'official.pth.tar'
    path.write_bytes(_official_checkpoint(net, use_zip=False))
    loaded = load_network(path, trusted_modules=(TOY_MODULE,), scale=3.0)
    assert loaded.scale == 3.0 and loaded.constructor.kwds['scale'] == 3.0
    assert torch.equal(_outputs(loaded), _outputs(net) * 3.0)


def test_load_network_refuses_untrusted_constructor(tmp_path):
    net = toy.toy_net()
    path = _save_ours(tmp_path / 'x.pth.tar', net)
    with pytest.raises(CheckpointError, match=TOY_MODULE) as info:
        load_network(path)
    assert 'trusted_modules' in str(info.value)

    evil = NetConstructor('system', 'os', ('touch {}'.format(tmp_path / 'pwned'),), {})
    torch.save({'net': net.state_dict(), 'constructor': evil}, tmp_path / 'evil.pth.tar')
    with pytest.raises(CheckpointError, match='os.system'):
        load_network(tmp_path / 'evil.pth.tar')
    assert not (tmp_path / 'pwned').exists()


def test_load_network_bare_state_dict(tmp_path):
    net = toy.randomize_(toy.toy_net(channels=3))
    torch.save(net.state_dict(), tmp_path / 'bare.pth')
    loaded = load_network(tmp_path / 'bare.pth', constructor=toy.toy_net, channels=3)
    assert torch.equal(_outputs(loaded), _outputs(net))
    assert loaded.constructor.kwds == {'backbone_pretrained': False, 'channels': 3}

    loaded = load_network(tmp_path / 'bare.pth', constructor=NetConstructor('toy_net_no_pretrained_arg', TOY_MODULE,
                                                                           (), {'channels': 3}))
    assert torch.equal(_outputs(loaded), _outputs(net))
    assert loaded.constructor.kwds == {'channels': 3}

    # DataParallel prefix
    torch.save({'module.' + k: v for k, v in net.state_dict().items()}, tmp_path / 'dp.pth')
    loaded = load_network(tmp_path / 'dp.pth', constructor=toy.toy_net, channels=3)
    assert torch.equal(_outputs(loaded), _outputs(net))


def test_bare_state_dict_defaults_to_fcotnet():
    assert loading.DEFAULT_CONSTRUCTOR == NetConstructor('fcotnet', 'ltr.models.tracking.fcotnet', (), {})


def test_directory_epoch_and_name_resolution(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    d = tmp_path / 'checkpoints'
    d.mkdir()
    nets = {}
    for epoch in (3, 10, 9):
        nets[epoch] = toy.randomize_(toy.toy_net(), seed=epoch)
        _save_ours(d / 'ToyNet_ep{:04d}.pth.tar'.format(epoch), nets[epoch], epoch)
    trusted = (TOY_MODULE,)
    assert torch.equal(_outputs(load_network(d, trusted_modules=trusted)), _outputs(nets[10]))
    assert torch.equal(_outputs(load_network(d, checkpoint=3, trusted_modules=trusted)), _outputs(nets[3]))
    assert torch.equal(_outputs(load_network(d, checkpoint='ToyNet_ep0009.pth.tar', trusted_modules=trusted)),
                       _outputs(nets[9]))
    with pytest.raises(FileNotFoundError, match='ep0004'):
        load_network(d, checkpoint=4)

    # relative names: the working directory first, then each network_dir in order
    other = tmp_path / 'nowhere'
    loaded = load_network('ToyNet_ep0003.pth.tar', network_dir=[str(other), str(d)], trusted_modules=trusted)
    assert torch.equal(_outputs(loaded), _outputs(nets[3]))
    assert torch.equal(_outputs(load_network('checkpoints', trusted_modules=trusted)), _outputs(nets[10]))
    assert torch.equal(_outputs(load_network(None, network_dir=d, trusted_modules=trusted)), _outputs(nets[10]))
    with pytest.raises(FileNotFoundError) as info:
        load_network('fcot.pth', network_dir=[str(other), str(d)])
    msg = str(info.value)
    for tried in ('fcot.pth', str(other / 'fcot.pth'), str(d / 'fcot.pth')):
        assert tried in msg
    with pytest.raises(ValueError, match='directory'):
        load_network(d / 'ToyNet_ep0003.pth.tar', checkpoint=3)


def test_key_mismatch_report(tmp_path):
    net = toy.toy_net()
    state = net.state_dict()
    del state['head.bias']
    for i in range(25):
        state['extra.k{:02d}'.format(i)] = torch.zeros(1)
    state['head.weight'] = torch.zeros(7, 4)
    torch.save(state, tmp_path / 'bad.pth')
    with pytest.raises(StateDictMismatchError) as info:
        load_network(tmp_path / 'bad.pth', constructor=toy.toy_net)
    err = info.value
    msg = str(err)
    assert '1 missing key(s) [head.bias]' in msg
    assert '25 unexpected key(s)' in msg and 'extra.k19' in msg and 'extra.k20' not in msg and '(5 more)' in msg
    assert 'head.weight' in msg and '(7, 4)' in msg and '(2, 4)' in msg
    assert str(tmp_path / 'bad.pth') in msg
    assert err.missing == ['head.bias'] and len(err.unexpected) == 25
    assert err.shape_mismatches == [('head.weight', (7, 4), (2, 4))]


def test_load_weights(tmp_path):
    source = toy.randomize_(toy.toy_net(), seed=5)
    path = _save_ours(tmp_path / 'w.pth.tar', source)
    target = toy.toy_net()
    assert load_weights(target, path) is target
    assert torch.equal(_outputs(target), _outputs(source))

    partial = source.state_dict()
    del partial['head.bias']
    partial['junk'] = torch.zeros(3)
    torch.save(partial, tmp_path / 'partial.pth')
    target = toy.toy_net()
    bias_before = target.head.bias.clone()
    with pytest.raises(StateDictMismatchError, match='head.bias'):
        load_weights(target, tmp_path / 'partial.pth')
    load_weights(target, tmp_path / 'partial.pth', strict=False)
    assert torch.equal(target.head.weight, source.head.weight)
    assert torch.equal(target.head.bias, bias_before)


def test_not_a_checkpoint(tmp_path):
    torch.save({'hello': 'world'}, tmp_path / 'x.pth')
    with pytest.raises(CheckpointError, match='hello'):
        load_network(tmp_path / 'x.pth', constructor=toy.toy_net)


# ----------------------------------------------------------------------------------------------- DiMP-50 -> FCOT
def _manifest():
    return read_manifest(MANIFEST)


def _dimp_key(fcot_key):
    if fcot_key.startswith('feature_extractor.'):
        return fcot_key
    if fcot_key.startswith('classifier_18.'):
        return 'classifier.' + fcot_key[len('classifier_18.'):]
    return None


def _dimp_state(entries, seed=0):
    g = torch.Generator().manual_seed(seed)
    state = collections.OrderedDict()
    for key, shape in entries:
        dimp_key = _dimp_key(key)
        if dimp_key is None:
            continue
        if key.endswith('num_batches_tracked'):
            state[dimp_key] = torch.randint(1, 10 ** 9, shape, generator=g, dtype=torch.int64)
        else:
            state[dimp_key] = torch.randn(shape, generator=g)
    state['bb_regressor.x'] = torch.randn(3, generator=g)
    return state


class _ManifestModule(nn.Module):
    """An nn.Module with exactly the manifest's keys (zeros): parameters, and buffers for BN statistics."""

    def __init__(self, entries):
        super().__init__()
        for key, shape in entries:
            *path, leaf = key.split('.')
            module = self
            for part in path:
                if part not in module._modules:
                    module.add_module(part, nn.Module())
                module = module._modules[part]
            if leaf in BUFFER_SUFFIXES:
                dtype = torch.int64 if leaf == 'num_batches_tracked' else torch.float32
                module.register_buffer(leaf, torch.zeros(shape, dtype=dtype))
            else:
                module.register_parameter(leaf, nn.Parameter(torch.zeros(shape)))


def test_dimp50_into_fcot_module_from_manifest():
    entries = _manifest()
    assert len(entries) == 414
    target = _ManifestModule(entries)
    assert list(target.state_dict()) == [k for k, _ in entries]
    dimp = _dimp_state(entries)
    report = load_dimp50_into_fcot(target, {'net': dimp, 'constructor': None, 'epoch': 50})

    mapped = [k for k, _ in entries if _dimp_key(k) is not None]
    assert sorted(report.copied) == sorted((k, _dimp_key(k)) for k in mapped)
    assert report.ignored == ['bb_regressor.x']
    result = target.state_dict()
    for key, _ in entries:
        dimp_key = _dimp_key(key)
        if dimp_key is None:
            assert not result[key].any(), key  # untouched
        else:
            assert torch.equal(result[key], dimp[dimp_key]), key
    assert any(k.startswith('classifier_18.') for k in mapped) and any(k.startswith('classifier_72.')
                                                                       for k, _ in entries)


def _small_entries():
    return [(k, s) for k, s in _manifest() if torch.Size(s).numel() <= 4096]


def test_dimp50_into_fcot_dict_from_file(tmp_path):
    entries = _small_entries()
    target = {k: torch.zeros(s, dtype=torch.int64 if k.endswith('num_batches_tracked') else torch.float32)
              for k, s in entries}
    dimp = _dimp_state(entries, seed=3)
    torch.save({'epoch': 50, 'net': dimp, 'constructor': NetConstructor('dimpnet50', 'ltr.models.tracking.dimpnet',
                                                                       (), {})}, tmp_path / 'dimp50.pth')
    report = load_dimp50_into_fcot(target, tmp_path / 'dimp50.pth')
    assert len(report.copied) == sum(1 for k, _ in entries if _dimp_key(k) is not None) > 0
    for key, _ in entries:
        expected = dimp[_dimp_key(key)] if _dimp_key(key) else torch.zeros_like(target[key])
        assert torch.equal(target[key], expected), key

    # bare state_dict input works as well
    target2 = {k: torch.zeros_like(v) for k, v in target.items()}
    load_dimp50_into_fcot(target2, dimp)
    assert all(torch.equal(target[k], target2[k]) for k in target)


def test_dimp50_into_fcot_is_strict_and_atomic():
    entries = _small_entries()
    target = {k: torch.zeros(s) for k, s in entries if not k.endswith('num_batches_tracked')}
    dimp = _dimp_state([(k, s) for k, s in entries if k in target])
    missing_key = next(k for k in dimp if k.startswith('classifier.'))
    del dimp[missing_key]
    bad_shape = next(k for k in dimp if k.startswith('feature_extractor.') and dimp[k].dim() == 1)
    dimp[bad_shape] = torch.zeros(dimp[bad_shape].numel() + 1)
    with pytest.raises(StateDictMismatchError) as info:
        load_dimp50_into_fcot(target, dimp)
    assert missing_key in str(info.value) and bad_shape in str(info.value)
    assert all(not v.any() for v in target.values())  # nothing copied

    with pytest.raises(StateDictMismatchError, match='not an FCOT network'):
        load_dimp50_into_fcot({'head.weight': torch.zeros(2)}, dimp)


#: The keyword arguments of the official train settings (ltr/train_settings/fcot/fcot.py), which the manifest used.
OFFICIAL_FCOT_KWARGS = dict(clf_filter_size=4, reg_filter_size=3, backbone_pretrained=True, optim_iter=5,
                            norm_scale_coef=2.0, clf_feat_norm=True, clf_feat_blocks=0, final_conv=True,
                            out_feature_dim=512, optim_init_step=0.9, optim_init_reg=0.1,
                            init_gauss_sigma=0.25 / 5 * 18, num_dist_bins=100, bin_displacement=0.1,
                            mask_init_factor=3.0, target_mask_act='sigmoid', score_act='relu')


def test_real_fcotnet_dimp50_init_and_checkpoint_round_trip(tmp_path):
    from ltr.models.tracking.fcotnet import fcotnet
    net = fcotnet(**dict(OFFICIAL_FCOT_KWARGS, backbone_pretrained=False))
    entries = _manifest()
    assert [(k, tuple(v.shape)) for k, v in net.state_dict().items()] == entries
    dimp = _dimp_state(entries, seed=7)
    report = load_dimp50_into_fcot(net, dimp)
    state = net.state_dict()
    assert len(report.copied) == sum(1 for k, _ in entries if _dimp_key(k) is not None)
    for fcot_key, dimp_key in report.copied:
        assert torch.equal(state[fcot_key], dimp[dimp_key]), fcot_key

    # official-style checkpoint: constructor kwargs say backbone_pretrained=True; loading must force False
    constructor = NetConstructor('fcotnet', 'ltr.models.tracking.fcotnet', (), dict(OFFICIAL_FCOT_KWARGS))
    path = tmp_path / 'FCOTNet_ep0001.pth.tar'
    torch.save({'epoch': 1, 'actor_type': 'FcotActor', 'net_type': 'FCOTNet', 'net': state, 'net_info': None,
                'constructor': constructor, 'optimizer': None, 'stats': None, 'settings': None}, path)
    del net, state, dimp
    loaded = load_network(tmp_path)
    assert loaded.constructor.kwds == dict(OFFICIAL_FCOT_KWARGS, backbone_pretrained=False)
    saved = torch.load(path, weights_only=False)['net']
    for key, value in loaded.state_dict().items():
        assert torch.equal(value, saved[key]), key


# ----------------------------------------------------------------------------------------------- ImageNet weights
def test_imagenet_weights_never_downloaded(ltr_local, tmp_path, monkeypatch):
    from ltr.admin.pretrained import imagenet_resnet_state_dict
    hub = tmp_path / 'hub'
    monkeypatch.setattr(torch.hub, '_hub_dir', str(hub))
    pretrained = tmp_path / 'pretrained'
    settings_file = ltr_local(pretrained_networks=str(pretrained))
    with pytest.raises(FileNotFoundError) as info:
        imagenet_resnet_state_dict('resnet50')
    msg = str(info.value)
    assert 'resnet50-0676ba61.pth' in msg
    assert 'https://download.pytorch.org/models/resnet50-0676ba61.pth' in msg
    assert str(hub / 'checkpoints') in msg and str(pretrained) in msg
    assert not hub.exists()

    ltr_local()  # pretrained_networks unset: the message says where to set it
    with pytest.raises(FileNotFoundError) as info:
        imagenet_resnet_state_dict('resnet18')
    assert 'resnet18-f37072fd.pth' in str(info.value) and 'pretrained_networks' in str(info.value)
    assert settings_file.parent.name in str(info.value)

    with pytest.raises(ValueError, match='resnet34'):
        imagenet_resnet_state_dict('resnet34')


def test_imagenet_weights_found_locally(ltr_local, tmp_path, monkeypatch):
    from ltr.admin.pretrained import imagenet_resnet_state_dict
    monkeypatch.setattr(torch.hub, '_hub_dir', str(tmp_path / 'hub'))
    pretrained = tmp_path / 'pretrained'
    pretrained.mkdir()
    fake = {'conv1.weight': torch.randn(2, 3)}
    torch.save(fake, pretrained / 'resnet18-f37072fd.pth')
    ltr_local(pretrained_networks=str(pretrained))
    assert torch.equal(imagenet_resnet_state_dict('resnet18')['conv1.weight'], fake['conv1.weight'])

    (tmp_path / 'hub' / 'checkpoints').mkdir(parents=True)
    hub_fake = {'conv1.weight': torch.randn(2, 3)}
    torch.save(hub_fake, tmp_path / 'hub' / 'checkpoints' / 'resnet18-f37072fd.pth')
    assert torch.equal(imagenet_resnet_state_dict('resnet18')['conv1.weight'], hub_fake['conv1.weight'])


def test_official_format_fcot_checkpoint_reproduces_outputs(tmp_path):
    """An FCOT checkpoint in the official format (pickled constructor, Settings/EnvironmentSettings/AverageMeter
    objects of the official class names) loads through load_network and gives exactly the saved net's outputs."""
    from ltr.models.tracking.fcotnet import fcotnet
    torch.manual_seed(0)
    kwargs = dict(OFFICIAL_FCOT_KWARGS, backbone_pretrained=False, norm_scale_coef=1.5,
                  train_cls_72_and_reg_init=True, train_reg_optimizer=False, train_cls_18=False)
    net = fcotnet(**kwargs)
    with torch.no_grad():  # non-default values everywhere, including BN statistics
        for value in net.state_dict().values():
            if value.is_floating_point():
                value.add_(0.01 * torch.randn_like(value))
    path = tmp_path / 'fcot.pth'
    path.write_bytes(_official_checkpoint(net, use_zip=True))
    loaded = load_network(str(path)).eval()
    assert loaded.constructor.kwds['backbone_pretrained'] is False
    assert loaded.constructor.kwds['norm_scale_coef'] == 1.5
    im = torch.randn(1, 3, 128, 128, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        ref = net.eval().extract_tracking_features(im)
        out = loaded.extract_tracking_features(im)
    for key in ref:
        assert torch.equal(out[key], ref[key]), key
