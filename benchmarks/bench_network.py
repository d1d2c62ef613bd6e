"""Per-component forward times of the FCOT network, and PrRoIPool vs torchvision's roi_align.

Usage: python benchmarks/bench_network.py [--threads 2] [--repeats 5] [--backbone resnet50] [--channels_last]

Prints one table per device (CPU always, CUDA when available): median milliseconds of each component at a
288x288 search image, batch 1, on the tracking path; and the PrRoIPool / roi_align ratio for 23 boxes.
"""
import argparse
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))

from ltr.models.layers.prroi_pool import PrRoIPool2D  # noqa: E402
from ltr.models.tracking.fcotnet import fcotnet  # noqa: E402


def timeit(fn, device, repeats, warmup=2):
    """Median wall time (ms) of ``fn()`` over ``repeats`` runs after ``warmup`` runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        if device.type == 'cuda':
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        fn()
        if device.type == 'cuda':
            torch.cuda.synchronize()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def random_boxes(n, image_sz, generator, device):
    """``(n, 4)`` boxes ``[x, y, w, h]`` of 20..120 px inside an ``image_sz`` square image."""
    wh = 20 + 100 * torch.rand(n, 2, generator=generator)
    xy = torch.rand(n, 2, generator=generator) * (image_sz - wh)
    return torch.cat((xy, wh), dim=1).to(device)


def bench_network(device, repeats, backbone, channels_last):
    net = fcotnet(backbone_pretrained=False, backbone=backbone, optim_iter=5, norm_scale_coef=1.5,
                  optim_init_step=0.9, optim_init_reg=0.1, init_gauss_sigma=0.9, num_dist_bins=100,
                  bin_displacement=0.1, mask_init_factor=3.0).eval().to(device)
    if channels_last:
        net = net.to(memory_format=torch.channels_last)
    g = torch.Generator().manual_seed(0)
    im = torch.randn(1, 3, 288, 288, generator=g).to(device)
    if channels_last:
        im = im.contiguous(memory_format=torch.channels_last)
    bb = torch.tensor([[100.0, 110.0, 60.0, 50.0]], device=device)
    rows = []
    with torch.inference_mode():
        bf = net.extract_backbone_features(im)
        feat_36, feat_72 = net.extract_decoder_features(bf)
        x18 = net.classifier_18.extract_classification_feat(bf['layer3'], 1)
        x72 = net.classifier_72.extract_classification_feat(feat_72, 1)
        xr = net.regressor_72.extract_regression_feat(feat_36, feat_72, 1)
        bb3 = bb.reshape(1, 1, 4)
        f18 = net.classifier_18.filter_initializer(x18, bb3)
        f72 = net.classifier_72.filter_initializer(x72, bb3)
        r0 = net.regressor_72.generate_init_filter(feat_36, feat_72, bb)
        mem = 23
        x18m, x72m, xrm = (t.expand(mem, *t.shape[1:]).contiguous() for t in (x18, x72, xr))
        bbm = bb3.expand(mem, 1, 4).contiguous()
        components = [
            ('backbone (layer1-3)', lambda: net.extract_backbone_features(im)),
            ('decoder (pyramid)', lambda: net.extract_decoder_features(bf)),
            ('head clf-18', lambda: net.classifier_18.extract_classification_feat(bf['layer3'])),
            ('head clf-72', lambda: net.classifier_72.extract_classification_feat(feat_72)),
            ('head regression', lambda: net.regressor_72.extract_regression_feat(feat_36, feat_72)),
            ('classify 18 + 72', lambda: (net.classifier_18.classify(f18, x18), net.classifier_72.classify(f72, x72))),
            ('regress', lambda: net.regressor_72.regress(r0, xr)),
        ]
        per_frame = 0.0
        for name, fn in components:
            t = timeit(fn, device, repeats)
            per_frame += t
            rows.append((name, t))
        rows.append(('= per-frame network total', per_frame))
        rows.append(('(full extract_tracking_features)', timeit(lambda: net.extract_tracking_features(im), device, repeats)))
        init_rows = [
            ('clf-18 init filter', lambda: net.classifier_18.filter_initializer(x18, bb3)),
            ('clf-72 init filter', lambda: net.classifier_72.filter_initializer(x72, bb3)),
            ('regressor init (model generator)', lambda: net.regressor_72.generate_init_filter(feat_36, feat_72, bb)),
            ('clf-18 optimize 5 it, 23 samples', lambda: net.classifier_18.filter_optimizer(f18, x18m, bbm, num_iter=5, compute_losses=False)),
            ('clf-72 optimize 5 it, 23 samples', lambda: net.classifier_72.filter_optimizer(f72, x72m, bbm, num_iter=5, compute_losses=False)),
            ('regressor optimize 5 it, 23 samples', lambda: net.regressor_72.filter_optimizer(r0, xrm, bbm, num_iter=5, compute_losses=False)),
            ('clf-72 optimize 1 it, 23 samples', lambda: net.classifier_72.filter_optimizer(f72, x72m, bbm, num_iter=1, compute_losses=False)),
            ('regressor optimize 1 it, 23 samples', lambda: net.regressor_72.filter_optimizer(r0, xrm, bbm, num_iter=1, compute_losses=False)),
        ]
        for name, fn in init_rows:
            rows.append((name, timeit(fn, device, max(2, repeats // 2))))
    return rows


def bench_prroi(device, repeats):
    g = torch.Generator().manual_seed(1)
    rows = []
    for c, hw, scale in ((256, 72, 0.25), (1024, 18, 1 / 16)):
        feat = torch.randn(1, c, hw, hw, generator=g).to(device)
        bb = random_boxes(23, 288, g, device)
        rois = torch.cat((torch.zeros(23, 1, device=device), bb[:, :2], bb[:, :2] + bb[:, 2:]), dim=1)
        pool = PrRoIPool2D(4, 4, scale)
        import torchvision
        with torch.inference_mode():
            t_pr = timeit(lambda: pool(feat, rois), device, repeats * 4)
            t_ra = timeit(lambda: torchvision.ops.roi_align(feat, rois, (4, 4), scale, -1, False), device, repeats * 4)
        rows.append((f'23 boxes on 1x{c}x{hw}x{hw}', t_pr, t_ra, t_pr / t_ra))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--threads', type=int, default=2, help='torch CPU threads (default 2)')
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--backbone', default='resnet50', choices=['resnet50', 'resnet18'])
    parser.add_argument('--channels_last', action=argparse.BooleanOptionalAction, default=False)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    devices = [torch.device('cpu')] + ([torch.device('cuda')] if torch.cuda.is_available() else [])
    for device in devices:
        label = torch.cuda.get_device_name(device) if device.type == 'cuda' else f'CPU, {args.threads} threads'
        print(f'\n## FCOT network ({args.backbone}, 288x288, batch 1, channels_last={args.channels_last}) on {label}')
        print(f'| {"component":40s} | {"ms":>9s} |')
        print(f'|{"-" * 42}|{"-" * 11}|')
        for name, t in bench_network(device, args.repeats, args.backbone, args.channels_last):
            print(f'| {name:40s} | {t:9.2f} |')
        print(f'\n## PrRoIPool2D vs torchvision roi_align (4x4 bins) on {label}')
        print(f'| {"case":28s} | {"PrRoIPool ms":>12s} | {"roi_align ms":>12s} | {"ratio":>6s} |')
        print(f'|{"-" * 30}|{"-" * 14}|{"-" * 14}|{"-" * 8}|')
        for name, t_pr, t_ra, ratio in bench_prroi(device, args.repeats):
            print(f'| {name:28s} | {t_pr:12.3f} | {t_ra:12.3f} | {ratio:6.2f} |')


if __name__ == '__main__':
    main()
