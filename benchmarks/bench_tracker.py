"""Per-frame time of FCOT's ``track()`` split into stages, against the bare network forward pass.

Usage: python benchmarks/bench_tracker.py [--threads 2] [--frames 60] [--param default] [--backbone resnet50]
                                         [--label_cache both|on|off]

The network has random weights (no weights can be downloaded here), so the localisation thresholds are set to
accept every frame: every update of the schedule (init-train frames, best-candidate inserts every
``train_skipping`` frames) then really runs, which is the expensive case. Prints a table per device and per
setting of ``cache_label_maps`` (``--label_cache both``, the default, runs the tracker with and without the
label-map cache in the same process, alternating, and prints the ratio of their mean frame times).
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))

from ltr.models.tracking.fcotnet import fcotnet  # noqa: E402
from pytracking import make_tracker  # noqa: E402

STAGES = ('crop', 'network', 'localization', 'decode', 'update')


def synthetic_frames(num_frames, hw=(480, 640), seed=0):
    """Textured background with a bright target moving diagonally; returns frames and the first box."""
    rng = np.random.default_rng(seed)
    bg = rng.integers(0, 120, (hw[0] // 8, hw[1] // 8, 3), dtype=np.uint8).repeat(8, 0).repeat(8, 1)
    target = rng.integers(130, 255, (60, 80, 3), dtype=np.uint8)
    frames = []
    for i in range(num_frames):
        im = bg.copy()
        x, y = 200 + 2 * i, 150 + i
        im[y:y + 60, x:x + 80] = target
        frames.append(im)
    return frames, [200, 150, 80, 60]


def bench(device, args, cache_label_maps=True):
    torch.manual_seed(0)
    net = fcotnet(backbone_pretrained=False, backbone=args.backbone, norm_scale_coef=1.5, optim_init_step=0.9,
                  optim_init_reg=0.1, init_gauss_sigma=0.9, num_dist_bins=100, bin_displacement=0.1,
                  mask_init_factor=3.0).eval().to(device)
    tracker = make_tracker('fcot', args.param, net=net, use_gpu=device.type == 'cuda', profile=True, seed=0,
                           target_not_found_threshold=-1e9, distractor_threshold=1e9, hard_negative_threshold=1e9,
                           cache_label_maps=cache_label_maps)
    frames, box = synthetic_frames(args.frames)
    tic = time.perf_counter()
    tracker.initialize(frames[0], {'init_bbox': box})
    init_time = time.perf_counter() - tic
    per_frame = []
    for im in frames[1:]:
        tic = time.perf_counter()
        tracker.track(im)
        per_frame.append(time.perf_counter() - tic)
    timer = tracker.timer
    # Bare network forward on one search patch, same process and settings.
    patch = torch.rand(1, 3, 288, 288, device=device) * 255
    net_times = []
    with torch.no_grad():
        for _ in range(max(5, args.frames // 4)):
            if device.type == 'cuda':
                torch.cuda.synchronize()
            t0 = time.perf_counter()
            net.extract_tracking_features(tracker.params.net.preprocess_image(patch))
            if device.type == 'cuda':
                torch.cuda.synchronize()
            net_times.append(time.perf_counter() - t0)
    return init_time, per_frame, timer, statistics.median(net_times)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--frames', type=int, default=60)
    parser.add_argument('--param', default='default')
    parser.add_argument('--backbone', default='resnet50', choices=['resnet50', 'resnet18'])
    parser.add_argument('--label_cache', default='both', choices=['both', 'on', 'off'],
                        help="tracking parameter cache_label_maps: 'both' measures on and off, same process")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    devices = [torch.device('cpu')] + ([torch.device('cuda')] if torch.cuda.is_available() else [])
    settings = {'both': [True, False], 'on': [True], 'off': [False]}[args.label_cache]
    for device in devices:
        label = torch.cuda.get_device_name(device) if device.type == 'cuda' else f'CPU, {args.threads} threads'
        means = {}
        for cache in settings:
            init_time, per_frame, timer, net_time = bench(device, args, cache)
            n = len(per_frame)
            total = sum(per_frame)
            means[cache] = total / n
            print(f'\n## FCOT track() ({args.backbone}, params {args.param}, cache_label_maps={cache}, {n} frames '
                  f'after init) on {label}')
            print(f'| {"stage":22s} | {"mean ms/frame":>13s} | {"share":>6s} |')
            print(f'|{"-" * 24}|{"-" * 15}|{"-" * 8}|')
            for stage in STAGES:
                t = timer.total.get(stage, 0.0)
                print(f'| {stage:22s} | {1000 * t / n:13.1f} | {t / total:6.1%} |')
            print(f'| {"track() total":22s} | {1000 * total / n:13.1f} | {1:6.0%} |')
            print(f'| {"bare network forward":22s} | {1000 * net_time:13.1f} |        |')
            print(f'\ninit: {init_time:.2f} s; mean frame / bare network = {total / n / net_time:.2f}x; '
                  f'median frame / bare network = {statistics.median(per_frame) / net_time:.2f}x; '
                  f'FPS (track only) = {n / total:.1f}')
        if len(means) == 2:
            print(f'\nlabel-map cache on {label}: mean frame {1000 * means[False]:.1f} -> {1000 * means[True]:.1f} ms '
                  f'({means[False] / means[True]:.2f}x faster)')

if __name__ == '__main__':
    main()
