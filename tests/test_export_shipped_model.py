"""``scripts/export_shipped_model.py`` (how the shipped model file is made), ``scripts/plot_training_curves.py`` and
``scripts/average_checkpoints.py``: a two-stage export keeps the last stage's weights, a provenance record per
stage (file name, SHA-256, epoch) and each stage's statistics; the result loads through ``load_network`` and its
curves plot end to end; an average of checkpoints is their element-wise mean and keeps its sources."""
import hashlib
import os
import subprocess
import sys

import torch

import debug_helpers as dh
from ltr.admin.loading import load_network, torch_load_legacy
from ltr.admin.settings import Settings
from ltr.admin.stats import StatValue


def _training_checkpoint(path, epoch, losses, seed, settings=None):
    """A checkpoint in the trainer's format (weights, constructor, epoch, per-epoch 'Loss/total' history and, if
    given, the training settings object)."""
    tmp = dh.save_tiny_checkpoint(str(path) + '.tmp')
    ckpt = torch.load(tmp, weights_only=False)
    os.remove(tmp)
    gen = torch.Generator().manual_seed(seed)
    ckpt['net'] = {k: v + torch.randn(v.shape, generator=gen) if v.is_floating_point() else v
                   for k, v in ckpt['net'].items()}
    meter = StatValue()
    for value in losses:
        meter.update(value)
    ckpt.update(epoch=epoch, net_type='FCOTNet', actor_type='FcotActor', optimizer={'state': {}},
                stats={'train': {'Loss/total': meter}})
    if settings is not None:
        ckpt['settings'] = settings
    torch.save(ckpt, str(path))
    return str(path), ckpt


def test_two_stage_export_keeps_last_weights_and_both_provenances(tmp_path):
    first, _ = _training_checkpoint(tmp_path / 'stage1.pth.tar', 3, [9.0, 7.0, 6.0], seed=1)
    settings = Settings()
    settings.script_name, settings.seed = 'fcot_tiny_mnv3_regression', 33
    settings.frozen_modules = ('feature_extractor', 'classifier_72')
    second, ckpt2 = _training_checkpoint(tmp_path / 'stage2.pth.tar', 2, [5.5, 5.0], seed=2, settings=settings)
    out = tmp_path / 'shipped.pth.tar'
    script = os.path.join(dh.REPO_ROOT, 'scripts', 'export_shipped_model.py')
    proc = subprocess.run([sys.executable, script, second, str(out), '--previous', first], capture_output=True,
                          text=True, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    shipped = torch_load_legacy(str(out))
    assert 'optimizer' not in shipped and shipped['epoch'] == 2
    stages = shipped['provenance']['stages']
    assert [s['source_checkpoint'] for s in stages] == ['stage1.pth.tar', 'stage2.pth.tar']
    assert [s['epoch'] for s in stages] == [3, 2]
    assert stages[0]['source_sha256'] == hashlib.sha256(open(first, 'rb').read()).hexdigest()
    assert shipped['provenance']['source_sha256'] == hashlib.sha256(open(second, 'rb').read()).hexdigest()
    # the last stage's recorded settings, frozen modules included (a part-trained stage says which part)
    assert stages[1]['train_settings'] == 'ltr/train_settings/fcot/fcot_tiny_mnv3_regression.py'
    assert stages[1]['settings'] == {'seed': 33, 'frozen_modules': ('feature_extractor', 'classifier_72')}
    assert [h['stats']['train']['Loss/total'].history for h in shipped['stats_history']] == [[9.0, 7.0, 6.0],
                                                                                              [5.5, 5.0]]
    net = load_network(str(out))                          # the normal, strict loading path
    for k, v in net.state_dict().items():
        assert torch.equal(v, ckpt2['net'][k]), k         # the last stage's weights, unchanged
    plot = subprocess.run([sys.executable, os.path.join(dh.REPO_ROOT, 'scripts', 'plot_training_curves.py'),
                           str(out), str(tmp_path / 'curves.png'), '--stats', 'Loss/total'],
                          capture_output=True, text=True)
    assert plot.returncode == 0, plot.stderr
    assert (tmp_path / 'curves.png').stat().st_size > 1000


def test_export_refuses_a_file_that_is_not_a_training_checkpoint(tmp_path):
    bare = tmp_path / 'bare.pth'
    torch.save({'weights': torch.zeros(1)}, str(bare))
    proc = subprocess.run([sys.executable, os.path.join(dh.REPO_ROOT, 'scripts', 'export_shipped_model.py'),
                           str(bare), str(tmp_path / 'out.pth.tar')], capture_output=True, text=True)
    assert proc.returncode != 0 and "has no 'epoch' entry" in proc.stderr and 'bare.pth' in proc.stderr


def test_export_chains_through_an_exported_model(tmp_path):
    """A stage started from a shipped file names that file with --previous: the new model's provenance and
    statistics reach back through every stage the shipped file recorded, in order."""
    script = os.path.join(dh.REPO_ROOT, 'scripts', 'export_shipped_model.py')
    first, _ = _training_checkpoint(tmp_path / 'stage1.pth.tar', 3, [9.0, 7.0, 6.0], seed=1)
    second, _ = _training_checkpoint(tmp_path / 'stage2.pth.tar', 2, [5.5, 5.0], seed=2)
    shipped_two = tmp_path / 'shipped_two.pth.tar'
    assert subprocess.run([sys.executable, script, second, str(shipped_two), '--previous', first],
                          capture_output=True, text=True).returncode == 0
    third, ckpt3 = _training_checkpoint(tmp_path / 'stage3.pth.tar', 4, [4.9, 4.5, 4.2, 4.0], seed=3)
    out = tmp_path / 'shipped_three.pth.tar'
    proc = subprocess.run([sys.executable, script, third, str(out), '--previous', str(shipped_two)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    shipped = torch_load_legacy(str(out))
    stages = shipped['provenance']['stages']
    assert [s['source_checkpoint'] for s in stages] == ['stage1.pth.tar', 'stage2.pth.tar', 'stage3.pth.tar']
    assert stages[1]['source_sha256'] == hashlib.sha256(open(second, 'rb').read()).hexdigest()
    assert [h['stats']['train']['Loss/total'].history for h in shipped['stats_history']] == [
        [9.0, 7.0, 6.0], [5.5, 5.0], [4.9, 4.5, 4.2, 4.0]]
    net = load_network(str(out))
    assert all(torch.equal(v, ckpt3['net'][k]) for k, v in net.state_dict().items())
    # an exported file whose stage records and statistics disagree is refused, naming it
    broken = torch_load_legacy(str(shipped_two))
    broken['stats_history'] = broken['stats_history'][:1]
    torch.save(broken, str(tmp_path / 'broken.pth.tar'))
    proc = subprocess.run([sys.executable, script, third, str(tmp_path / 'x.pth.tar'), '--previous',
                           str(tmp_path / 'broken.pth.tar')], capture_output=True, text=True)
    assert proc.returncode != 0 and 'broken.pth.tar' in proc.stderr and '2 stages and 1 stats_history' in proc.stderr


def test_average_checkpoints_is_the_elementwise_mean_and_exports_with_its_sources(tmp_path):
    """``scripts/average_checkpoints.py``: floating tensors are the mean of the inputs (checked against a direct
    formula), integer tensors and the epoch come from the last input, the optimizer state is dropped, the sources
    are recorded (name, SHA-256, epoch) and survive the export into the shipped file's provenance."""
    paths, ckpts = zip(*[_training_checkpoint(tmp_path / 'ep{}.pth.tar'.format(e), e, [9.0 - e], seed=e)
                         for e in (3, 4, 5)])
    out = tmp_path / 'avg.pth.tar'
    proc = subprocess.run([sys.executable, os.path.join(dh.REPO_ROOT, 'scripts', 'average_checkpoints.py'),
                           *paths, str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    avg = torch_load_legacy(str(out))
    assert avg['epoch'] == 5 and 'optimizer' not in avg
    floats = 0
    for k, v in avg['net'].items():
        if v.is_floating_point():
            floats += 1
            expected = (ckpts[0]['net'][k] + ckpts[1]['net'][k] + ckpts[2]['net'][k]) / 3
            assert torch.allclose(v, expected, atol=1e-6), k
            assert not torch.equal(v, ckpts[2]['net'][k]), k
        else:
            assert torch.equal(v, ckpts[2]['net'][k]), k
    assert floats > 10
    assert [a['epoch'] for a in avg['averaged_from']] == [3, 4, 5]
    assert avg['averaged_from'][1]['source_sha256'] == hashlib.sha256(open(paths[1], 'rb').read()).hexdigest()
    load_network(str(out))
    shipped = tmp_path / 'shipped.pth.tar'
    proc = subprocess.run([sys.executable, os.path.join(dh.REPO_ROOT, 'scripts', 'export_shipped_model.py'),
                           str(out), str(shipped)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    prov = torch_load_legacy(str(shipped))['provenance']
    assert [a['source_checkpoint'] for a in prov['averaged_from']] == ['ep3.pth.tar', 'ep4.pth.tar', 'ep5.pth.tar']


def test_average_checkpoints_refuses_mismatched_networks(tmp_path):
    first, _ = _training_checkpoint(tmp_path / 'a.pth.tar', 1, [1.0], seed=1)
    second, ckpt = _training_checkpoint(tmp_path / 'b.pth.tar', 2, [1.0], seed=2)
    key = next(k for k, v in ckpt['net'].items() if v.is_floating_point())
    ckpt['net'][key] = torch.zeros(3, 1)
    torch.save(ckpt, second)
    script = os.path.join(dh.REPO_ROOT, 'scripts', 'average_checkpoints.py')
    proc = subprocess.run([sys.executable, script, first, second, str(tmp_path / 'o.pth.tar')],
                          capture_output=True, text=True)
    assert proc.returncode != 0 and key in proc.stderr and 'b.pth.tar' in proc.stderr
    proc = subprocess.run([sys.executable, script, first, str(tmp_path / 'o.pth.tar')], capture_output=True,
                          text=True)
    assert proc.returncode != 0 and 'at least two checkpoints' in proc.stderr


def test_average_checkpoints_weighted_interpolates_and_accepts_a_frozen_backbone_stage(tmp_path):
    """``--weights``: each floating tensor is the normalised weighted sum of the inputs' (checked against a direct
    formula; 1 and 3 mean 0.25 and 0.75), the weights are recorded with the sources; an input built with a frozen
    backbone (``freeze_backbone=True``, a training-only keyword) mixes with its fine-tuned continuation, while a
    constructor that changes the network (another ``num_dist_bins``) is still refused; wrong weights are named."""
    before, ckpt_before = _training_checkpoint(tmp_path / 'before.pth.tar', 10, [5.0], seed=7)
    ckpt_before['constructor'].kwds['freeze_backbone'] = True
    torch.save(ckpt_before, before)
    after, ckpt_after = _training_checkpoint(tmp_path / 'after.pth.tar', 20, [4.0], seed=8)
    script = os.path.join(dh.REPO_ROOT, 'scripts', 'average_checkpoints.py')
    out = tmp_path / 'wise.pth.tar'
    proc = subprocess.run([sys.executable, script, before, after, str(out), '--weights', '1', '3'],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    wise = torch_load_legacy(str(out))
    assert [a['weight'] for a in wise['averaged_from']] == [0.25, 0.75]
    assert wise['constructor'].kwds.get('freeze_backbone', False) is False     # the last input's constructor
    floats = 0
    for k, v in wise['net'].items():
        if v.is_floating_point():
            floats += 1
            expected = 0.25 * ckpt_before['net'][k].double() + 0.75 * ckpt_after['net'][k].double()
            assert torch.allclose(v.double(), expected, atol=1e-6), k
        else:
            assert torch.equal(v, ckpt_after['net'][k]), k
    assert floats > 10
    # equal weights give the plain mean, bit for bit
    plain, weighted = tmp_path / 'plain.pth.tar', tmp_path / 'equal.pth.tar'
    for target, extra in ((plain, []), (weighted, ['--weights', '2', '2'])):
        proc = subprocess.run([sys.executable, script, before, after, str(target), *extra], capture_output=True,
                              text=True)
        assert proc.returncode == 0, proc.stderr
    a, b = torch_load_legacy(str(plain))['net'], torch_load_legacy(str(weighted))['net']
    assert all(torch.equal(a[k], b[k]) for k in a)
    for weights, message in ((['1'], '1 weights [1.0] for 2 checkpoints'), (['1', '0'], 'must all be positive')):
        proc = subprocess.run([sys.executable, script, before, after, str(tmp_path / 'x.pth.tar'), '--weights',
                               *weights], capture_output=True, text=True)
        assert proc.returncode != 0 and message in proc.stderr, proc.stderr
    ckpt_after['constructor'].kwds['num_dist_bins'] = 50
    torch.save(ckpt_after, after)
    proc = subprocess.run([sys.executable, script, before, after, str(tmp_path / 'x.pth.tar')], capture_output=True,
                          text=True)
    assert proc.returncode != 0 and 'another constructor' in proc.stderr and 'after.pth.tar' in proc.stderr
