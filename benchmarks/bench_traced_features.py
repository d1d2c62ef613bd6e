"""Eager against traced feature extraction (tracker parameter ``trace_features``) for a trained network, in one
process, alternating: the bare ``extract_tracking_features`` on one search crop, and whole ``track()`` frames of the
``demo`` parameter file on a synthetic 640x480 sequence.

Usage: python benchmarks/bench_traced_features.py [--net pytracking/networks/fcot_tiny.pth.tar] [--threads 2]
                                                  [--rounds 5] [--frames 80]

Prints the median over rounds of each side's mean time and the ratio eager / traced. The network is the shipped
FCOT-tiny unless ``--net`` names another checkpoint; ``demo`` parameter values can be overridden with ``--param
name=value`` (e.g. ``--param channels_last_backbone=True``).
"""
import argparse
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))

from bench_tracker import synthetic_frames  # noqa: E402
from ltr.admin.loading import load_network  # noqa: E402
from pytracking import make_tracker  # noqa: E402
from pytracking.analysis.compare_baselines import parse_param_overrides  # noqa: E402
from pytracking.networks import shipped_network_path  # noqa: E402


def track_ms(net, frames, box, trace, overrides):
    """Mean ``track()`` milliseconds over ``frames[1:]`` (initialisation, which prepares the trace, excluded)."""
    tracker = make_tracker('fcot', 'demo', net=net, use_gpu=False, trace_features=trace, **overrides)
    tracker.initialize(frames[0], {'init_bbox': box})
    tic = time.perf_counter()
    for im in frames[1:]:
        tracker.track(im)
    return 1000 * (time.perf_counter() - tic) / (len(frames) - 1), tracker


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--net', default=None, help='checkpoint (default: the shipped FCOT-tiny)')
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--frames', type=int, default=80)
    parser.add_argument('--param', action='append', default=[], help='demo parameter override name=value')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    overrides = parse_param_overrides(args.param)
    path = args.net or shipped_network_path()
    net = load_network(path).eval()
    frames, box = synthetic_frames(args.frames)
    times = {(kind, trace): [] for kind in ('features', 'track') for trace in (False, True)}
    with torch.no_grad():
        for r in range(args.rounds):
            for trace in (False, True):
                ms, tracker = track_ms(net, frames, box, trace, overrides)
                times[('track', trace)].append(ms)
                # The tracker left the network in its tracking memory format; time the bare features on the
                # search-crop signature the tracker prepared.
                sz = tracker.params.image_sample_size
                crop = tracker._network_input(torch.zeros(1, 3, sz, sz))
                f = tracker.traced_features if trace else net.extract_tracking_features
                for _ in range(5):
                    f(crop)
                tic = time.perf_counter()
                for _ in range(100):
                    f(crop)
                times[('features', trace)].append(10 * (time.perf_counter() - tic))
            print(f'round {r + 1}/{args.rounds} done', file=sys.stderr)
    print(f'\n## Eager vs traced features: {os.path.basename(path)}, CPU, {args.threads} threads, '
          f'median of {args.rounds} alternating rounds')
    print('| measure | eager ms | traced ms | eager / traced |')
    print('|---|---|---|---|')
    for kind, label in (('features', 'extract_tracking_features, 1 search crop'),
                        ('track', f'track() per frame, demo params, {args.frames - 1} frames')):
        e, t = statistics.median(times[(kind, False)]), statistics.median(times[(kind, True)])
        print(f'| {label} | {e:.2f} | {t:.2f} | {e / t:.2f}x |')


if __name__ == '__main__':
    main()
