"""Training throughput benchmark.

1. Data pipeline, one process (= one loader worker): FCOTSampler + AnchorFreeProcessing (JPEG decode, crop,
   labels, regression targets) at 288 px with the official settings, on generated 1280x720 JPEG sequences in
   GOT-10k layout (written to a temporary folder).
2. Seconds per training step (forward + backward + Adam) with the ``fcot_stage1`` recipe (ResNet-50, 288 px,
   3+3 frames) at batch ``--r50_batch`` (1) and with ``fcot_tiny`` exactly as its recipe trains (half-width ResNet-18, 128 px, 2+1
   frames, batch 16), on the CPU with ``torch.set_num_threads(threads)`` and on CUDA when available.
3. Peak resident memory of the process (``resource.getrusage``), printed with the table.

4. With ``--tiny_stage MODULE:SPEC`` (repeatable), the training step of that FCOT-tiny stage as its recipe trains
   (e.g. ``fcot_tiny_mnv3_stage2:TINY_MNV3_STAGE2``, frozen MobileNetV3, against
   ``fcot_tiny_mnv3_finetune_lr1e4:TINY_MNV3_FINETUNE_LR1E4``, everything trainable), with random backbone weights
   (``backbone_pretrained=False``: the time does not depend on them).

Usage: ``python benchmarks/bench_training.py [--samples 20] [--steps 2] [--threads 2] [--skip_r50_cpu]
[--tiny_stage MODULE:SPEC ...]``
(ResNet-50 at batch 1 keeps the peak under 4 GB; batch 2 peaks at 6.4 GB, the official per-GPU batch of 5 far more.)
"""
import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), '..')))

import torch  # noqa: E402

import types  # noqa: E402
from ltr.data.loader import ltr_collate  # noqa: E402
from ltr.data.sampler import FCOTSampler  # noqa: E402
from ltr.dataset import SyntheticGot10k  # noqa: E402
from ltr.dataset.synthetic import ensure_synthetic_dataset  # noqa: E402
from ltr.models.loss.target_classification import LBHinge  # noqa: E402
from ltr.models.loss.target_regression import REGLoss  # noqa: E402
from ltr.train_settings.fcot import recipe  # noqa: E402


def stage_settings(spec, **overrides):
    """Settings of a recipe stage (defaults + ``overrides``) without building loaders or a trainer."""
    s = types.SimpleNamespace()   # no env needed (a Settings() would read/create the ltr local file)
    s.module_name, s.script_name = 'fcot', 'bench'
    s.overrides = dict(overrides)
    recipe.apply_settings(s, dict({'total_epochs': spec.total_epochs}, **spec.defaults))
    return s


def bench_pipeline(folder, n_samples):
    """Samples/s of one process: sampling + decode + crop + labels at 288 px."""
    s = stage_settings(recipe.STAGE1)
    ds = SyntheticGot10k(root=folder)
    sampler = FCOTSampler([ds], [1], samples_per_epoch=n_samples, num_train_frames=3, num_test_frames=3,
                          processing=recipe.build_processing(s, True), seed=0)
    sampler[0]
    t = time.perf_counter()
    for i in range(1, n_samples):
        sampler[i]
    return (n_samples - 1) / (time.perf_counter() - t), sampler, s


def make_batch(folder, settings, batch):
    ds = SyntheticGot10k(root=folder)
    sampler = FCOTSampler([ds], [1], samples_per_epoch=batch, num_train_frames=settings.num_train_frames,
                          num_test_frames=settings.num_test_frames,
                          processing=recipe.build_processing(settings, True), seed=1)
    return ltr_collate([sampler[i] for i in range(batch)], stack_dim=1)


def bench_step(spec, settings, data, device, steps):
    """Seconds per optimizer step (mean over ``steps`` after one warm-up step)."""
    torch.manual_seed(0)
    net = recipe.build_net(settings, spec).to(device)
    optimizer, _ = recipe.build_optimizer(net, spec)
    actor = spec.actor(net, {'test_clf': LBHinge(threshold=0.05), 'reg_72': REGLoss(radius=2)}, spec.loss_weight)
    actor.train(True)
    data = data.copy()
    for k, v in list(data.items()):
        if torch.is_tensor(v):
            data[k] = v.to(device)
    use_amp = device.type == 'cuda'
    scaler = torch.amp.GradScaler('cuda') if use_amp else None

    def step():
        with torch.autocast(device_type=device.type, dtype=torch.float16, enabled=use_amp):
            loss, _ = actor(data)
        optimizer.zero_grad(set_to_none=True)
        if scaler is not None:
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
        else:
            loss.backward()
            optimizer.step()

    def sync():
        if device.type == 'cuda':
            torch.cuda.synchronize()

    step()
    sync()
    t = time.perf_counter()
    for _ in range(steps):
        step()
    sync()
    return (time.perf_counter() - t) / steps


def stage_config(name):
    """``(label, spec, overrides, batch)`` of the stage ``'MODULE:SPEC'`` of ``ltr.train_settings.fcot``."""
    import importlib
    module, _, var = name.partition(':')
    if not var:
        raise ValueError("--tiny_stage {!r}: expected MODULE:SPEC, e.g. 'fcot_tiny_mnv3_stage2:TINY_MNV3_STAGE2'"
                         .format(name))
    spec = getattr(importlib.import_module('ltr.train_settings.fcot.' + module), var, None)
    if not isinstance(spec, recipe.StageSpec):
        raise ValueError('--tiny_stage {!r}: ltr.train_settings.fcot.{} has no StageSpec named {}'.format(
            name, module, var))
    batch = spec.defaults['batch_size']
    return ('{} ({} px, {}+{} frames), batch {}'.format(module, spec.defaults['output_sz'],
                                                       spec.defaults['num_train_frames'],
                                                       spec.defaults['num_test_frames'], batch),
            spec, {'backbone_pretrained': False}, batch)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--samples', type=int, default=20, help='samples for the pipeline benchmark')
    p.add_argument('--steps', type=int, default=2, help='timed training steps (after 1 warm-up)')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--skip_r50_cpu', action='store_true')
    p.add_argument('--r50_batch', type=int, default=1, help='batch of the ResNet-50 step (1 keeps RAM under 4 GB)')
    p.add_argument('--tiny_stage', action='append', default=[], metavar='MODULE:SPEC',
                   help='also time this stage of ltr/train_settings/fcot (module and StageSpec name), repeatable')
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = os.path.join(tmp, 'got10k_layout')
        t = time.perf_counter()
        print('Writing 3 sequences x 40 frames of 1280x720 JPEG ...', flush=True)
        ensure_synthetic_dataset(folder, num_sequences=3, num_frames=40, size=(1280, 720), seed=0)
        print('  done in {:.1f} s'.format(time.perf_counter() - t), flush=True)

        print('Data pipeline ...', flush=True)
        sps, _, _ = bench_pipeline(folder, args.samples)
        rows.append(('data pipeline, 1 worker (decode+crop+labels, 288 px, 3+3 frames)', 'cpu',
                     '{:.2f} samples/s'.format(sps)))
        print('  ' + rows[-1][2], flush=True)

        configs = [('fcot_stage1 (R50, 288 px, 3+3 frames), batch {}'.format(args.r50_batch), recipe.STAGE1,
                    {'backbone_pretrained': False}, args.r50_batch)]
        configs += [stage_config(name) for name in ['fcot_tiny:TINY'] + args.tiny_stage]   # R18/2, from scratch
        devices = [torch.device('cpu')] + ([torch.device('cuda')] if torch.cuda.is_available() else [])
        for name, spec, ov, batch in configs:
            s = stage_settings(spec, **ov)
            data = make_batch(folder, s, batch)
            for dev in devices:
                if dev.type == 'cpu' and args.skip_r50_cpu and spec is recipe.STAGE1:
                    continue
                print('Training step: {} on {} ...'.format(name, dev), flush=True)
                sec = bench_step(spec, s, data, dev, args.steps)
                label = dev.type if dev.type == 'cuda' else 'cpu ({} threads)'.format(args.threads)
                rows.append((name, label, '{:.2f} s/step ({:.2f} samples/s)'.format(sec, batch / sec)))
                print('  ' + rows[-1][2], flush=True)

    import resource
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2 ** 20   # ru_maxrss is in KiB on Linux
    rows.append(('peak resident memory of this process', 'cpu', '{:.2f} GB'.format(peak_gb)))
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    print()
    print('{:<{}}  {:<{}}  {}'.format('benchmark', w0, 'device', w1, 'result'))
    for r in rows:
        print('{:<{}}  {:<{}}  {}'.format(r[0], w0, r[1], w1, r[2]))


if __name__ == '__main__':
    main()
