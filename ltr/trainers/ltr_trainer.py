"""The training loop of one epoch (pytracking ``LTRTrainer`` API) with AMP, DDP, tqdm and TensorBoard.

Per epoch, every loader with ``epoch % loader.epoch_interval == 0`` runs: training loaders with gradients and
``actor.train(True)``, the others under ``torch.no_grad`` in eval mode. Stats are running averages weighted by the
batch size (:class:`ltr.admin.stats.AverageMeter`), shown in a tqdm bar per iteration and printed as an epoch
summary; rank 0 writes their epoch averages and the learning rates to TensorBoard.

Settings used (all optional unless noted): ``amp`` (mixed precision, CUDA only), ``grad_clip_max_norm``,
``print_interval`` (tqdm postfix refresh), ``log_interval`` (steps between plain progress lines when the bar is
off; default 50), ``print_stats`` (stat names to show; None = all), ``use_tensorboard``,
``progress_bar``, ``env.tensorboard_dir``, ``project_path`` (required), ``description``.
"""
import os
import time
from collections import OrderedDict

import torch

from ltr.admin import distributed as dist_utils
from ltr.admin.stats import AverageMeter, StatValue
from ltr.trainers.base_trainer import BaseTrainer, NonFiniteLossError

__all__ = ['LTRTrainer', 'TensorboardWriter']


class TensorboardWriter:
    """One ``SummaryWriter`` per loader under ``<directory>/<loader_name>`` (pytracking layout)."""

    def __init__(self, directory, loader_names):
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError as e:
            raise ImportError('TensorBoard logging needs the "tensorboard" package ({}); install it or set '
                              'settings.use_tensorboard = False'.format(e)) from e
        self.directory = directory
        self.writers = OrderedDict((name, SummaryWriter(os.path.join(directory, name))) for name in loader_names)

    def write_info(self, module_name, script_name, description):
        from torch.utils.tensorboard import SummaryWriter
        with SummaryWriter(os.path.join(self.directory, 'info')) as w:
            w.add_text('Modulet_name', module_name)
            w.add_text('Script_name', script_name)
            w.add_text('Description', description)

    def write_epoch(self, stats, epoch):
        for loader_name, loader_stats in stats.items():
            if loader_name not in self.writers or loader_stats is None:
                continue
            for name, val in loader_stats.items():
                if isinstance(val, AverageMeter) and val.has_new_data and val.history:
                    self.writers[loader_name].add_scalar(name, val.history[-1], epoch)
                elif isinstance(val, StatValue) and val.history:
                    self.writers[loader_name].add_scalar(name, val.history[-1], epoch)
            self.writers[loader_name].flush()

    def close(self):
        for w in self.writers.values():
            w.close()


def _to_device(data, device):
    """Move the tensors of a TensorDict/dict (one level, plus lists of tensors) to ``device``."""
    non_blocking = device.type == 'cuda'
    for k, v in list(data.items()):
        if torch.is_tensor(v):
            data[k] = v.to(device, non_blocking=non_blocking)
    return data


class LTRTrainer(BaseTrainer):
    """See the module docstring. ``settings.amp`` turns on ``torch.autocast`` + ``GradScaler`` on CUDA only."""

    def __init__(self, actor, loaders, optimizer, settings, lr_scheduler=None):
        super().__init__(actor, loaders, optimizer, settings, lr_scheduler)
        self.amp = bool(getattr(settings, 'amp', False)) and self.device.type == 'cuda'
        if getattr(settings, 'amp', False) and not self.amp and self.is_main:
            print('Note: settings.amp is ignored on {} (mixed precision is used on CUDA only)'.format(self.device))
        self.grad_scaler = torch.amp.GradScaler('cuda') if self.amp else None
        self.stats = OrderedDict((loader.name, None) for loader in self.loaders)
        self.tensorboard = None
        if self.is_main and getattr(settings, 'use_tensorboard', True):
            tb_root = getattr(settings.env, 'tensorboard_dir', '') or os.path.join(
                os.path.expanduser(settings.env.workspace_dir), 'tensorboard')
            self.tensorboard = TensorboardWriter(os.path.join(os.path.expanduser(tb_root), settings.project_path),
                                                 [loader.name for loader in self.loaders])
        #: called as ``hook(trainer, loader, iteration, data, loss, stats)`` after each step (tests, profiling)
        self.step_hooks = []

    # ---------------------------------------------------------------------------------------------- epoch
    def train_epoch(self):
        for loader in self.loaders:
            if self.epoch % loader.epoch_interval == 0:
                if hasattr(loader, 'set_epoch'):
                    loader.set_epoch(self.epoch)
                self.cycle_dataset(loader)
        self._stats_new_epoch()
        if self.tensorboard is not None:
            if self.epoch == 1:
                self.tensorboard.write_info(getattr(self.settings, 'module_name', ''),
                                            getattr(self.settings, 'script_name', ''),
                                            getattr(self.settings, 'description', ''))
            self.tensorboard.write_epoch(self.stats, self.epoch)

    def train_step(self, data, training, epoch=None, iteration=None):
        """Forward (+ backward and optimizer step if ``training``) on one batch. Returns ``(loss, stats)``.

        Raises :class:`NonFiniteLossError` naming the epoch/iteration if the loss is NaN/inf on any rank.
        """
        with torch.autocast(device_type=self.device.type, dtype=torch.float16, enabled=self.amp):
            loss, stats = self.actor(data)
        finite = dist_utils.all_true(bool(torch.isfinite(loss.detach()).all()), self.device)
        if not finite:
            raise NonFiniteLossError(
                'Non-finite loss ({}) at epoch {}, iteration {} of project {}; stats of this batch: {}. No '
                'checkpoint was written for this epoch; the newest checkpoint in {} is intact. Lower the learning '
                'rates or check the data.'.format(loss.item(), epoch, iteration, self.settings.project_path,
                                                  {k: round(v, 5) for k, v in stats.items()}, self.checkpoint_dir))
        if training:
            self.optimizer.zero_grad(set_to_none=True)
            clip = getattr(self.settings, 'grad_clip_max_norm', None)
            if self.grad_scaler is not None:
                self.grad_scaler.scale(loss).backward()
                if clip:
                    self.grad_scaler.unscale_(self.optimizer)
                    torch.nn.utils.clip_grad_norm_(self.actor.net.parameters(), clip)
                self.grad_scaler.step(self.optimizer)
                self.grad_scaler.update()
            else:
                loss.backward()
                if clip:
                    torch.nn.utils.clip_grad_norm_(self.actor.net.parameters(), clip)
                self.optimizer.step()
        return loss, stats

    def cycle_dataset(self, loader):
        """Run one pass over ``loader``."""
        self.actor.train(loader.training)
        torch.set_grad_enabled(loader.training)
        self._init_timing()
        bar = None
        if self.is_main and getattr(self.settings, 'progress_bar', True):
            from tqdm import tqdm
            bar = tqdm(total=len(loader), desc='[{}: {}]'.format(loader.name, self.epoch), dynamic_ncols=True,
                       leave=True)
        try:
            for i, data in enumerate(loader, 1):
                if getattr(self.settings, 'move_data_to_gpu', True):
                    data = _to_device(data, self.device)
                data['epoch'] = self.epoch
                data['settings'] = self.settings
                loss, stats = self.train_step(data, loader.training, self.epoch, i)
                batch_size = data['train_images'].shape[loader.stack_dim]
                self._update_stats(stats, batch_size, loader)
                for hook in self.step_hooks:
                    hook(self, loader, i, data, loss, stats)
                if bar is not None:
                    bar.update(1)
                    if i % max(1, getattr(self.settings, 'print_interval', 1)) == 0 or i == len(loader):
                        bar.set_postfix_str(self._stats_string(loader, batch_size), refresh=False)
                elif self.is_main and i % max(1, int(getattr(self.settings, 'log_interval', 50) or 50)) == 0:
                    # no bar (log files): one plain progress line every ``log_interval`` steps
                    print('[{}: {}] {} / {}: {}'.format(loader.name, self.epoch, i, len(loader),
                                                        self._stats_string(loader, batch_size)), flush=True)
        finally:
            if bar is not None:
                bar.close()
            torch.set_grad_enabled(True)
        if self.is_main:
            print('[{}: {}] epoch summary: {}'.format(loader.name, self.epoch, self._stats_string(loader, None)))

    # ---------------------------------------------------------------------------------------------- stats
    def _init_timing(self):
        self.num_frames = 0
        self.start_time = time.time()
        self.prev_time = self.start_time

    def _update_stats(self, new_stats, batch_size, loader):
        if self.stats.get(loader.name) is None:
            self.stats[loader.name] = OrderedDict((name, AverageMeter()) for name in new_stats)
        for name, val in new_stats.items():
            if name not in self.stats[loader.name]:
                self.stats[loader.name][name] = AverageMeter()
            self.stats[loader.name][name].update(val, batch_size)
        now = time.time()
        self.num_frames += batch_size
        self._batch_fps = batch_size / max(now - self.prev_time, 1e-9)
        self._avg_fps = self.num_frames / max(now - self.start_time, 1e-9)
        self.prev_time = now

    def _stats_string(self, loader, batch_size):
        """``FPS: avg (batch), name: avg, ...``; the per-iteration bar (``batch_size`` given) shows only the
        ``Loss/*`` and ``IoU/*`` stats unless ``settings.print_stats`` lists names."""
        show = getattr(self.settings, 'print_stats', None)
        if show is None and batch_size is not None:
            show = [n for n in (self.stats.get(loader.name) or {}) if n.startswith(('Loss/', 'IoU/'))]
        parts = ['FPS: {:.1f}'.format(self._avg_fps) + ('' if batch_size is None else
                                                          ' ({:.1f})'.format(self._batch_fps))]
        for name, val in (self.stats.get(loader.name) or {}).items():
            if (show is None or name in show) and hasattr(val, 'avg'):
                parts.append('{}: {:.5f}'.format(name, val.avg))
        return ', '.join(parts)

    def _stats_new_epoch(self):
        for loader in self.loaders:
            if loader.training and self.lr_scheduler is not None:
                lrs = self.lr_scheduler.get_last_lr()
                if self.stats.get(loader.name) is None:
                    self.stats[loader.name] = OrderedDict()
                for i, lr in enumerate(lrs):
                    name = 'LearningRate/group{}'.format(i)
                    if name not in self.stats[loader.name]:
                        self.stats[loader.name][name] = StatValue()
                    self.stats[loader.name][name].update(lr)
        for loader_stats in self.stats.values():
            if loader_stats is None:
                continue
            for val in loader_stats.values():
                if hasattr(val, 'new_epoch'):
                    val.new_epoch()
