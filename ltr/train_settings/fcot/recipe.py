"""The FCOT training recipe shared by every stage file of ``ltr/train_settings/fcot/`` (spec §3.2, §3.4).

A stage file calls :func:`run_stage` with a :class:`StageSpec` (flags, actor, loss weights, Adam parameter groups,
epochs and milestones, initialisation) and optional default overrides. Values are applied in this order:
common defaults (:data:`COMMON_DEFAULTS`) → the stage's defaults → command-line overrides
(``settings.overrides``, set by ``ltr/run_training.py``).

Pipeline: datasets → :class:`FCOTSampler` + :class:`AnchorFreeProcessing` → :class:`LTRLoader` (stack_dim 1) →
``fcotnet(**flags)`` initialised from DiMP-50 or the previous stage → DDP/DataParallel wrapping → actor → Adam
param groups → MultiStepLR(γ = 0.2) → :class:`LTRTrainer` (resumes automatically from this stage's newest
checkpoint).
"""
import operator
import os
import random
from dataclasses import dataclass, field, replace
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch

from ltr.actors import fcot as fcot_actors
from ltr.admin import distributed as dist_utils
from ltr.admin.loading import load_dimp50_into_fcot, torch_load_legacy
from ltr.admin.multigpu import MultiGPU
from ltr.data import processing, sampler as sampler_mod, transforms as tfm
from ltr.data.loader import LTRLoader
from ltr.models.loss.target_classification import LBHinge
from ltr.models.loss.target_regression import REGLoss
from ltr.models.tracking.fcot_widen import BACKBONE_PREFIX, widen_fcot_backbone
from ltr.models.tracking.fcotnet import fcotnet
from ltr.trainers import LTRTrainer
from ltr.trainers.base_trainer import list_checkpoints

__all__ = ['StageSpec', 'continued_stage', 'COMMON_DEFAULTS', 'run_stage', 'apply_settings', 'build_datasets',
           'build_loaders', 'build_net', 'build_optimizer', 'freeze_modules', 'param_groups',
           'previous_stage_checkpoint', 'setup_runtime']

#: Common settings of every FCOT stage (spec §3.1/§3.2); a stage or the CLI may override any of them.
COMMON_DEFAULTS = {
    'batch_size': 40,                     # global batch (all GPUs / ranks together)
    'num_workers': 4,
    'multi_gpu': True,
    'devices': None,                      # GPU ids for single-process DataParallel (None: all visible)
    'print_interval': 1,
    'print_stats': None,
    'normalize_mean': [0.485, 0.456, 0.406],
    'normalize_std': [0.229, 0.224, 0.225],
    'search_area_factor': 5.0,
    'output_sz': 288,
    'feature_sz': 18,
    'output_sigma_factor': 1 / 4,
    'label_72_sigma_factor': 1 / 40,
    'clf_target_filter_sz': 4,
    'reg_target_filter_sz': 3,
    'center_jitter_factor': {'train': 3, 'test': 4.5},
    'scale_jitter_factor': {'train': 0.25, 'test': 0.5},
    'hinge_threshold': 0.05,
    'grayscale_probability': 0.05,
    'brightness_jitter': 0.2,
    'num_train_frames': 3,
    'num_test_frames': 3,
    'max_gap': 30,
    'samples_per_epoch': 26000,
    'val_samples_per_epoch': 5000,
    'val_epoch_interval': 5,
    'lasot_rate': 0.25,
    'norm_scale_coef': 2.0,
    'backbone': 'resnet50',
    'backbone_pretrained': True,
    'dataset_kind': 'official',           # 'official' (LaSOT, GOT-10k, TrackingNet, COCO) or 'synthetic'
    'synthetic_workers': None,            # processes generating a missing synthetic dataset (None: one per core)
    'seed': 0,                            # sampler seed (samples = f(seed, rank, epoch, index)); None: random
    'amp': False,                         # fp32 as the official training; --amp: mixed precision on CUDA
    'cudnn_benchmark': True,
    'use_tensorboard': True,
    'progress_bar': True,
    'fail_safe': False,                   # official restarts up to 10 times on a crash
    'max_restarts': 10,
    'init_from': None,                    # previous-stage checkpoint or dimp50.pth (stage default if None)
    'find_unused_parameters': True,
    'optim_iter': 5,                      # steepest-descent iterations of the online models inside the forward
    'net_options': {},                    # extra fcotnet(...) keywords (width options); {} = official network
    'threads': None,                      # torch CPU threads (None: torch's default)
    'crop_edge_rule': 'official',         # crop padding at the right/bottom edge: 'official' or 'exact'
    'sample_stream_per_stage': True,      # mix the stage name into the sampler seed (fresh samples per stage)
    'frozen_modules': (),                 # module paths kept fixed on top of the stage flags (none: official)
}


@dataclass
class StageSpec:
    """One training stage (spec §3.4).

    Attributes:
        flags: ``(train_cls_72_and_reg_init, train_reg_optimizer, train_cls_18)`` for ``fcotnet``.
        actor: actor class from :mod:`ltr.actors.fcot`.
        loss_weight: actor loss weights.
        param_groups: ``[(module path(s) in the net, lr), ...]`` for Adam; a path may be a tuple of paths.
        total_epochs, milestones: MultiStepLR schedule (γ = 0.2, stepped after each epoch).
        init: 'dimp50' (load DiMP-50 into backbone + classifier_18), 'previous' (previous stage's final
            checkpoint), 'widen' (the previous checkpoint with its backbone widened, function-preserving, to this
            stage's ``backbone_width``: :func:`~ltr.models.tracking.fcot_widen.widen_fcot_backbone`), or None
            (constructor initialisation only).
        previous_stage: ``(train_name, epoch)`` of the stage to initialise from when ``init == 'previous'``.
        defaults: stage-specific setting values (e.g. samples_per_epoch, lasot_rate, norm_scale_coef).
    """
    flags: Tuple[bool, bool, bool]
    actor: type
    loss_weight: Dict[str, float]
    param_groups: List[Tuple[object, float]]
    total_epochs: int
    milestones: List[int]
    init: Optional[str] = None
    previous_stage: Optional[Tuple[str, int]] = None
    defaults: Dict[str, object] = field(default_factory=dict)


def continued_stage(previous: StageSpec, previous_name: str, total_epochs: int, milestones: List[int],
                    synthetic_params: dict, synthetic_dir_suffix: str, description: str,
                    from_epoch: Optional[int] = None, lr_factor: float = 1.0, **defaults) -> StageSpec:
    """A stage that continues ``previous`` (train name ``previous_name``) from its final epoch (or ``from_epoch``)
    on other synthetic data: the same flags, actor, losses and parameter groups, each group's starting learning
    rate times ``lr_factor`` (1: the same rates), a new schedule (``total_epochs``, ``milestones``), the data
    ``synthetic_params`` in the folder ``<synthetic_dir><synthetic_dir_suffix>``, and ``defaults`` overriding
    further setting values of ``previous``."""
    epoch = previous.total_epochs if from_epoch is None else int(from_epoch)
    if not 1 <= epoch <= previous.total_epochs:
        raise ValueError(f"from_epoch={from_epoch}: {previous_name} has epochs 1..{previous.total_epochs}")
    if not lr_factor > 0:
        raise ValueError(f"lr_factor={lr_factor}: must be a positive number")
    return replace(
        previous, total_epochs=int(total_epochs), milestones=list(milestones),
        param_groups=[(paths, lr * lr_factor) for paths, lr in previous.param_groups],
        previous_stage=(previous_name, epoch),
        defaults=dict(previous.defaults, synthetic_params=synthetic_params,
                      synthetic_dir_suffix=synthetic_dir_suffix, description=description, **defaults))


# ------------------------------------------------------------------------------------------------ settings
def apply_settings(settings, stage_defaults):
    """Set common defaults, then stage defaults, then ``settings.overrides`` (CLI) on ``settings``."""
    for values in (COMMON_DEFAULTS, stage_defaults, getattr(settings, 'overrides', None) or {}):
        for k, v in values.items():
            setattr(settings, k, v)
    if not getattr(settings, 'description', ''):
        settings.description = 'FCOT'
    settings.output_sigma = settings.output_sigma_factor / settings.search_area_factor
    settings.feature_sz = settings.output_sz // 16
    if settings.output_sz % 16 != 0:
        raise ValueError('settings.output_sz = {} must be a multiple of 16 (the classifier stride)'.format(
            settings.output_sz))
    if not hasattr(settings, 'module_name'):
        settings.module_name, settings.script_name = 'fcot', 'fcot'
    if not hasattr(settings, 'project_path'):
        settings.project_path = 'ltr/{}/{}'.format(settings.module_name, settings.script_name)
    return settings


def setup_runtime(settings):
    """Distributed init, device choice and seeding. Sets ``settings.device``, ``settings.dist`` and returns the
    :class:`~ltr.admin.distributed.DistInfo`."""
    info = dist_utils.dist_info_from_env()
    if getattr(settings, 'threads', None):
        torch.set_num_threads(int(settings.threads))
    use_cuda = torch.cuda.is_available() and getattr(settings, 'use_gpu', True)
    if use_cuda:
        if info.enabled:
            torch.cuda.set_device(info.local_rank)
            settings.device = torch.device('cuda', info.local_rank)
        else:
            first = settings.devices[0] if settings.devices else 0
            settings.device = torch.device('cuda', first)
    else:
        settings.device = torch.device('cpu')
    dist_utils.init_distributed(info, settings.device.type)
    torch.backends.cudnn.benchmark = bool(settings.cudnn_benchmark)
    base = 0 if settings.seed is None else int(settings.seed)
    random.seed(base + info.rank)
    np.random.seed(base + info.rank)
    torch.manual_seed(base + info.rank)
    if settings.batch_size % info.world_size != 0:
        raise ValueError('--batch_size {} (global) is not divisible by WORLD_SIZE {}'.format(
            settings.batch_size, info.world_size))
    settings.dist = info
    return info


# ------------------------------------------------------------------------------------------------ data
def build_datasets(settings):
    """``(train_datasets, train_weights, val_datasets)`` for ``settings.dataset_kind``.

    official: LaSOT 'train', GOT-10k 'vottrain', TrackingNet sets 0-3, COCO 2017 train with weights
    ``[lasot_rate, 1, 1, 1]``; validation GOT-10k 'votval'. synthetic: the dataset in ``env.synthetic_dir``
    (generated there first if the folder is missing or empty), its last ``synthetic_val_sequences`` sequences
    for validation. ``settings.synthetic_dir_suffix`` (default ``''``) is appended to that folder's name, so a
    stage trained on other generated data (other ``synthetic_params``) uses a sibling folder such as
    ``<workspace>/synthetic_seed2_1600/``. With ``settings.synthetic_hard_list`` (a file name in that folder, see
    :func:`hard_sequence_ids`) the sequences it names are a second training dataset, drawn with weight
    ``settings.synthetic_hard_weight`` (default 1) against all training sequences' 1.
    """
    from ltr import dataset as ds
    if settings.dataset_kind == 'official':
        train = [ds.Lasot(split='train'), ds.Got10k(split='vottrain'), ds.TrackingNet(set_ids=list(range(4))),
                 ds.MSCOCOSeq()]
        return train, [settings.lasot_rate, 1, 1, 1], [ds.Got10k(split='votval')]
    if settings.dataset_kind == 'synthetic':
        from ltr.admin.environment import required_path
        from ltr.dataset.synthetic import ensure_synthetic_dataset
        folder = required_path('synthetic_dir', settings.env, must_exist=False)
        suffix = getattr(settings, 'synthetic_dir_suffix', '') or ''
        if suffix:  # a stage on other generated data keeps it beside, not inside, the earlier stage's dataset
            if not isinstance(suffix, str) or os.sep in suffix or '/' in suffix:
                raise ValueError("settings.synthetic_dir_suffix = {!r}: must be a plain string without path "
                                 "separators (appended to env.synthetic_dir)".format(suffix))
            folder = folder.rstrip('/' + os.sep) + suffix
        if dist_utils.is_main_process():
            print('Synthetic dataset: {}'.format(folder))
            ensure_synthetic_dataset(folder, verbose=True, workers=getattr(settings, 'synthetic_workers', None),
                                     **(getattr(settings, 'synthetic_params', None) or {}))
        if dist_utils.get_world_size() > 1:
            torch.distributed.barrier()
        n = len(ds.SyntheticGot10k(root=folder).sequence_list)
        n_val = int(getattr(settings, 'synthetic_val_sequences', 1))
        if not 0 < n_val < n:
            raise ValueError('settings.synthetic_val_sequences = {} but the synthetic dataset in {} has {} sequences '
                             '(need 0 < val < {})'.format(n_val, folder, n, n))
        train = [ds.SyntheticGot10k(root=folder, seq_ids=list(range(n - n_val)))]
        val = [ds.SyntheticGot10k(root=folder, seq_ids=list(range(n - n_val, n)))]
        hard_list = getattr(settings, 'synthetic_hard_list', None)
        if not hard_list:
            return train, [1], val
        weight = float(getattr(settings, 'synthetic_hard_weight', 1.0))
        if not weight > 0:
            raise ValueError('settings.synthetic_hard_weight = {}: must be a positive number (the sampling weight of '
                             'the hard sequences against all training sequences\' 1)'.format(weight))
        hard_ids = hard_sequence_ids(folder, hard_list, train[0].sequence_list)
        train.append(ds.SyntheticGot10k(root=folder, seq_ids=hard_ids))
        return train, [1, weight], val
    raise ValueError("settings.dataset_kind = {!r}; allowed: 'official', 'synthetic'".format(settings.dataset_kind))


def hard_sequence_ids(folder, list_name, train_names):
    """Row indices into ``folder/list.txt`` of the sequences named in ``folder/list_name`` (one name per line, as
    written by ``python -m pytracking.analysis.mine_hard_sequences``). Every name must be one of ``train_names``
    (the stage's training sequences, the first rows of ``list.txt``), so that no validation sequence is drawn."""
    if not isinstance(list_name, str) or os.sep in list_name or '/' in list_name:
        raise ValueError("settings.synthetic_hard_list = {!r}: must be a plain file name inside the data folder "
                         "{}".format(list_name, folder))
    path = os.path.join(folder, list_name)
    if not os.path.isfile(path):
        raise FileNotFoundError("settings.synthetic_hard_list: '{}' does not exist. Write it with 'python -m "
                                "pytracking.analysis.mine_hard_sequences {} --exclude_last N --list {}' (N the "
                                "stage's synthetic_val_sequences)".format(path, folder, list_name))
    with open(path) as f:
        names = [line.strip() for line in f if line.strip()]
    if not names:
        raise ValueError("'{}': lists no sequence".format(path))
    index = {name: i for i, name in enumerate(train_names)}
    unknown = [name for name in names if name not in index]
    if unknown:
        raise ValueError("'{}': {} unknown names, e.g. {} (the names must be training sequences of {}, not its last "
                         "synthetic_val_sequences)".format(path, len(unknown), unknown[:3], folder))
    if len(set(names)) != len(names):
        raise ValueError("'{}' lists a sequence more than once".format(path))
    return [index[name] for name in names]


def build_processing(settings, training):
    """:class:`AnchorFreeProcessing` with the train (jitter + grayscale) or val transforms."""
    normalize = tfm.Normalize(mean=settings.normalize_mean, std=settings.normalize_std)
    if training:
        image_tf = tfm.Transform(tfm.ToTensorAndJitter(settings.brightness_jitter), normalize)
    else:
        image_tf = tfm.Transform(tfm.ToTensor(), normalize)
    return processing.AnchorFreeProcessing(
        search_area_factor=settings.search_area_factor, output_sz=settings.output_sz,
        center_jitter_factor=settings.center_jitter_factor, scale_jitter_factor=settings.scale_jitter_factor,
        crop_type='replicate', mode='sequence', crop_edge_rule=getattr(settings, 'crop_edge_rule', 'official'),
        label_function_params={'sigma_factor': settings.output_sigma, 'kernel_sz': settings.clf_target_filter_sz,
                               'end_pad_if_even': True},
        label_72_function_params={'sigma_factor': settings.label_72_sigma_factor,
                                  'kernel_sz': settings.clf_target_filter_sz, 'end_pad_if_even': True},
        transform=image_tf, joint_transform=tfm.Transform(tfm.ToGrayscale(probability=settings.grayscale_probability)))


def build_loaders(settings, world_size=1):
    """Train loader (every epoch) and val loader (every ``val_epoch_interval`` epochs), each rank getting
    ``batch_size / world_size`` per step and ``samples_per_epoch / world_size`` samples per epoch."""
    train_ds, weights, val_ds = build_datasets(settings)
    per_rank_batch = settings.batch_size // world_size

    def make(name, datasets, p, samples, training, interval):
        samples = samples // world_size
        if samples < per_rank_batch:
            raise ValueError('{} samples per epoch per rank ({} / {} ranks) is fewer than one batch of {}; raise '
                             '--samples_per_epoch or lower --batch_size'.format(name, samples * world_size,
                                                                                world_size, per_rank_batch))
        s = sampler_mod.FCOTSampler(datasets, p, samples_per_epoch=samples, max_gap=settings.max_gap,
                                    num_test_frames=settings.num_test_frames,
                                    num_train_frames=settings.num_train_frames,
                                    processing=build_processing(settings, training), seed=settings.seed,
                                    stream=settings.script_name if getattr(settings, 'sample_stream_per_stage', True)
                                    else None)
        return LTRLoader(name, s, training=training, batch_size=per_rank_batch, shuffle=training,
                         num_workers=settings.num_workers, drop_last=True, stack_dim=1,
                         epoch_interval=interval, persistent_workers=False)

    loaders = [make('train', train_ds, weights, settings.samples_per_epoch, True, 1)]
    if settings.val_epoch_interval and settings.val_samples_per_epoch:
        loaders.append(make('val', val_ds, None, settings.val_samples_per_epoch, False, settings.val_epoch_interval))
    return loaders


# ------------------------------------------------------------------------------------------------ network
def build_net(settings, spec):
    """``fcotnet`` with the stage flags and the settings' sizes (backbone, norm_scale_coef, filter sizes,
    ``optim_iter``) plus ``settings.net_options`` (width options; empty for the official stages)."""
    a, b, c = spec.flags
    extra = {} if settings.backbone == 'resnet50' else {'backbone': settings.backbone}  # official kwds for R50
    kwargs = dict(clf_filter_size=settings.clf_target_filter_sz, reg_filter_size=settings.reg_target_filter_sz,
                  backbone_pretrained=settings.backbone_pretrained, optim_iter=int(settings.optim_iter),
                  norm_scale_coef=settings.norm_scale_coef, clf_feat_norm=True, clf_feat_blocks=0, final_conv=True,
                  out_feature_dim=512, optim_init_step=0.9, optim_init_reg=0.1,
                  init_gauss_sigma=settings.output_sigma * settings.feature_sz, num_dist_bins=100,
                  bin_displacement=0.1, mask_init_factor=3.0, target_mask_act='sigmoid', score_act='relu',
                  train_cls_72_and_reg_init=a, train_reg_optimizer=b, train_cls_18=c, **extra)
    kwargs.update(getattr(settings, 'net_options', None) or {})
    return fcotnet(**kwargs)


def previous_stage_checkpoint(settings, spec):
    """Path of the previous stage's final checkpoint: ``settings.init_from`` or
    ``<workspace>/checkpoints/ltr/<module>/<prev name>/FCOTNet_ep%04d.pth.tar``."""
    if settings.init_from:
        return os.path.expanduser(str(settings.init_from))
    if spec.previous_stage is None:
        raise ValueError('This stage has no previous stage; pass --init_from PATH')
    name, epoch = spec.previous_stage
    return os.path.join(os.path.expanduser(settings.env.workspace_dir), 'checkpoints', 'ltr', settings.module_name,
                        name, 'FCOTNet_ep{:04d}.pth.tar'.format(epoch))


def initialise_net(net, settings, spec):
    """Load DiMP-50 or the previous stage into ``net`` (see :class:`StageSpec`).

    ``spec.init == 'dimp50'``: ``settings.init_from`` or ``<pretrained_networks>/dimp50.pth``;
    ``'previous'`` (or None with ``init_from`` given): ``settings.init_from`` or the previous stage's final
    checkpoint, whose ``net`` entries that exist in ``net`` are merged in (the optimizer state is not carried over);
    ``'widen'``: the same checkpoint with its backbone widened to ``net``'s (function-preserving; the random copies
    and split fractions drawn from ``settings.seed``), loaded strictly. Skipped when this stage already has
    checkpoints (training resumes from them). Raises FileNotFoundError naming the path (and how to change it) if the
    file is absent.
    """
    kind = spec.init if spec.init is not None else ('previous' if settings.init_from else None)
    if kind is None:
        return
    own_dir = os.path.join(os.path.expanduser(settings.env.workspace_dir), 'checkpoints', settings.project_path)
    if list_checkpoints(own_dir, type(net).__name__):
        print('Stage checkpoints exist in {}: resuming, no initialisation from {}'.format(own_dir, kind))
        return
    if kind == 'dimp50':
        path = settings.init_from or os.path.join(os.path.expanduser(settings.env.pretrained_networks or ''),
                                                  'dimp50.pth')
        if not os.path.isfile(path):
            raise FileNotFoundError("DiMP-50 weights not found at '{}'. Download dimp50.pth into the "
                                    "pretrained_networks folder of the ltr local settings, or pass --init_from PATH"
                                    .format(path))
        report = load_dimp50_into_fcot(net, path)
        print('Initialised backbone and classifier_18 from DiMP-50 {} ({})'.format(path, report))
        return
    if kind not in ('previous', 'widen'):
        raise ValueError("StageSpec.init = {!r}; allowed: 'dimp50', 'previous', 'widen', None".format(kind))
    path = previous_stage_checkpoint(settings, spec)
    if not os.path.isfile(path):
        prev = spec.previous_stage[0] if spec.previous_stage else 'the previous stage'
        raise FileNotFoundError("Previous stage checkpoint not found: '{}'. Train {} first (same "
                                "--workspace_dir) or pass --init_from PATH".format(path, prev))
    ckpt = torch_load_legacy(path)
    state = ckpt['net'] if isinstance(ckpt, dict) and 'net' in ckpt else ckpt
    if kind == 'widen':
        key = BACKBONE_PREFIX + 'conv1.weight'
        if key not in state:
            raise ValueError("init 'widen': '{}' holds no {} (not an FCOT ResNet-18 checkpoint)".format(path, key))
        old_w = int(state[key].shape[0])
        new_w = int(net.feature_extractor.conv1.out_channels)
        seed = settings.seed if settings.seed is not None else 0
        state = widen_fcot_backbone(state, old_w, new_w, torch.Generator().manual_seed(int(seed)))
        net.load_state_dict(state, strict=True)
        print('Initialised all {} tensors from {}, backbone widened {} -> {} (function-preserving, seed {})'.format(
            len(state), path, old_w, new_w, seed))
        return
    own = net.state_dict()
    kept = {k: v for k, v in state.items() if k in own}
    own.update(kept)
    net.load_state_dict(own)
    print('Initialised {} of {} tensors from {}'.format(len(kept), len(own), path))


def _module_at(net, path):
    try:
        return operator.attrgetter(path)(net)
    except AttributeError:
        raise AttributeError('Parameter group path {!r} does not exist in {}'.format(path, type(net).__name__))


def freeze_modules(net, paths):
    """Set ``requires_grad=False`` on every parameter of the modules at ``paths`` (dotted paths in ``net``), after
    the stage flags: a stage that trains one part of the network, e.g. the regression heads on fixed features, so
    that no gradient is computed for the rest. Returns the number of parameters frozen; a wrong path raises
    ``AttributeError`` naming it."""
    count = 0
    for path in paths:
        for p in _module_at(net, path).parameters():
            p.requires_grad_(False)
            count += p.numel()
    return count


def param_groups(net, spec_groups):
    """Adam parameter groups ``[{'params': [...], 'lr': lr}, ...]`` from ``[(path or tuple of paths, lr)]``.
    All parameters of each module are included (frozen ones just never get a gradient, like the official code)."""
    groups = []
    for paths, lr in spec_groups:
        paths = (paths,) if isinstance(paths, str) else tuple(paths)
        params = [p for path in paths for p in _module_at(net, path).parameters()]
        groups.append({'params': params, 'lr': lr, 'name': '+'.join(paths)})
    return groups


def build_optimizer(net, spec):
    """Adam (default betas/eps, no weight decay) + MultiStepLR(γ = 0.2)."""
    optimizer = torch.optim.Adam(param_groups(net, spec.param_groups))
    scheduler = torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones=list(spec.milestones), gamma=0.2)
    return optimizer, scheduler


def wrap_net(net, settings, info):
    """DDP under torchrun; single-process :class:`MultiGPU` (DataParallel, dim=1) over ``settings.devices``
    when several GPUs are visible and ``multi_gpu``; else the bare net."""
    if info.enabled:
        ids = [info.local_rank] if settings.device.type == 'cuda' else None
        return torch.nn.parallel.DistributedDataParallel(net, device_ids=ids,
                                                         find_unused_parameters=settings.find_unused_parameters)
    if settings.device.type == 'cuda' and settings.multi_gpu:
        ids = settings.devices or list(range(torch.cuda.device_count()))
        if len(ids) > 1:
            return MultiGPU(net, device_ids=ids, dim=1)
    return net


def build_trainer(settings, spec):
    """Everything up to a ready :class:`LTRTrainer` (without training). Returns the trainer."""
    apply_settings(settings, dict({'total_epochs': spec.total_epochs}, **spec.defaults))
    if not settings.env.workspace_dir:
        from ltr.admin.local_settings import SettingsError
        raise SettingsError('workspace_dir is empty: set it in the ltr local settings file ({}) or pass '
                            '--workspace_dir'.format(getattr(settings.env, '_settings_file', 'ltr/admin/local.py')))
    info = setup_runtime(settings)
    loaders = build_loaders(settings, info.world_size)
    net = build_net(settings, spec)
    initialise_net(net, settings, spec)
    if settings.frozen_modules:
        print('Frozen: {} ({} parameters)'.format(', '.join(settings.frozen_modules),
                                                  freeze_modules(net, settings.frozen_modules)))
    net.to(settings.device)
    optimizer, scheduler = build_optimizer(net, spec)
    wrapped = wrap_net(net, settings, info)
    objective = {'test_clf': LBHinge(threshold=settings.hinge_threshold), 'reg_72': REGLoss(dim=4, radius=2)}
    actor = spec.actor(net=wrapped, objective=objective, loss_weight=spec.loss_weight)
    settings.loss_weight = dict(spec.loss_weight)
    return LTRTrainer(actor, loaders, optimizer, settings, scheduler)


def run_stage(settings, spec):
    """Build the stage and train ``settings.total_epochs`` epochs, resuming from this stage's newest checkpoint."""
    trainer = build_trainer(settings, spec)
    try:
        trainer.train(settings.total_epochs, load_latest=True, fail_safe=settings.fail_safe,
                      max_restarts=settings.max_restarts)
    finally:
        if trainer.tensorboard is not None:
            trainer.tensorboard.close()
        dist_utils.cleanup_distributed()
    return trainer


# ------------------------------------------------------------------------------------------------ stages
_CLS72_GROUPS = [('classifier_72.filter_initializer', 5e-5), ('classifier_72.filter_optimizer', 5e-4),
                 ('classifier_72.feature_extractor', 5e-5)]
_CLS18_GROUPS = [('classifier_18.filter_initializer', 5e-5), ('classifier_18.filter_optimizer', 5e-4),
                 ('classifier_18.feature_extractor', 5e-5)]
_REG_GROUPS = [('regressor_72', 2e-4), (('pyramid_first_conv', 'pyramid_36', 'pyramid_72'), 2e-4)]
_BACKBONE_GROUP = [('feature_extractor', 2e-5)]
_REG_OPT_WEIGHTS = {'test_reg_72': 1.0, 'test_iter_reg_72': 1.0, 'test_init_reg_72': 0.0}

#: 3-stage recipe (paper results), norm_scale_coef 1.5, lasot_rate 0.25, 26000 samples per epoch.
STAGE1 = StageSpec(flags=(True, False, False), actor=fcot_actors.FcotCls72AndRegInitActor,
                   loss_weight={'test_clf_72': 100, 'test_init_clf_72': 10, 'test_iter_clf_72': 400, 'reg_72': 0.3},
                   param_groups=_CLS72_GROUPS + _REG_GROUPS + _BACKBONE_GROUP, total_epochs=70,
                   milestones=[35, 45, 69], init='dimp50', defaults={'norm_scale_coef': 1.5})
STAGE2 = StageSpec(flags=(False, True, False), actor=fcot_actors.FcotOnlineRegressionActor,
                   loss_weight=_REG_OPT_WEIGHTS, param_groups=[('regressor_72.filter_optimizer', 5e-4)],
                   total_epochs=5, milestones=[2], init='previous', previous_stage=('fcot_stage1', 70),
                   defaults={'norm_scale_coef': 1.5})
STAGE3 = StageSpec(flags=(False, False, True), actor=fcot_actors.FcotCls18Actor,
                   loss_weight={'test_clf_18': 100, 'test_init_clf_18': 100, 'test_iter_clf_18': 400},
                   param_groups=_CLS18_GROUPS, total_epochs=25, milestones=[25], init='previous',
                   previous_stage=('fcot_stage2', 5), defaults={'norm_scale_coef': 1.5})

#: 2-stage recipe: joint stage (40000 samples, lasot_rate 1, coef 2.0), then the regression optimizer.
STAGE_2S_1 = StageSpec(flags=(True, False, True), actor=fcot_actors.FcotActor,
                       loss_weight={'test_clf_72': 100, 'test_init_clf_72': 100, 'test_iter_clf_72': 400,
                                    'test_clf_18': 100, 'test_init_clf_18': 100, 'test_iter_clf_18': 400,
                                    'reg_72': 1.0},
                       param_groups=_CLS72_GROUPS + _CLS18_GROUPS + _REG_GROUPS + _BACKBONE_GROUP, total_epochs=70,
                       milestones=[35, 46, 60], init='dimp50',
                       defaults={'samples_per_epoch': 40000, 'lasot_rate': 1.0, 'norm_scale_coef': 2.0})
STAGE_2S_2 = StageSpec(flags=(False, True, False), actor=fcot_actors.FcotOnlineRegressionActor,
                       loss_weight=_REG_OPT_WEIGHTS, param_groups=[('regressor_72.filter_optimizer', 5e-4)],
                       total_epochs=5, milestones=[2], init='previous', previous_stage=('fcot_2s_stage1', 70),
                       defaults={'norm_scale_coef': 2.0})
