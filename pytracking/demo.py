"""End-to-end demo: generate a synthetic GOT-10k-layout sequence, track it with FCOT, write results.

    python -m pytracking.demo [--out fcot_demo] [--net models/fcot.pth] [--frames 20]

With ``--net`` (or ``fcot.pth`` found in ``network_path`` of ``pytracking/evaluation/local.py``) the official
tracker runs with the ``default`` parameters. Without weights, a randomly initialised ResNet-18 FCOT runs the
complete pipeline at a 144-px search size: the boxes are then meaningless, the demo says so, and it still
checks that everything (data layout, network, online optimisation, result files) works on this machine.
"""
import argparse
import os
import sys
import time

import cv2
import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))

from ltr.data.image_loader import imread_rgb  # noqa: E402
from ltr.dataset.synthetic import ensure_synthetic_dataset  # noqa: E402
from pytracking import make_tracker  # noqa: E402
from pytracking.utils.load_text import load_text  # noqa: E402


def iou_xywh(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of ``(N, 4)`` boxes ``[x, y, w, h]``."""
    x0 = np.maximum(a[:, 0], b[:, 0])
    y0 = np.maximum(a[:, 1], b[:, 1])
    x1 = np.minimum(a[:, 0] + a[:, 2], b[:, 0] + b[:, 2])
    y1 = np.minimum(a[:, 1] + a[:, 3], b[:, 1] + b[:, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    return inter / (a[:, 2] * a[:, 3] + b[:, 2] * b[:, 3] - inter)


def find_weights(net_arg):
    if net_arg:
        if not os.path.isfile(net_arg):
            raise FileNotFoundError(f"--net {net_arg!r}: no such file")
        return net_arg
    from pytracking.features.net_wrappers import resolve_network_path
    try:
        return resolve_network_path('fcot.pth')
    except FileNotFoundError as e:
        print(f"[demo] {e}\n[demo] -> running an UNTRAINED ResNet-18 FCOT: the pipeline runs for real, the boxes are "
              f"not meaningful.")
        return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out', default='fcot_demo', help='output folder (default ./fcot_demo)')
    parser.add_argument('--net', default=None, help='FCOT checkpoint (default: fcot.pth in network_path)')
    parser.add_argument('--frames', type=int, default=20, help='frames of the generated sequence')
    parser.add_argument('--threads', type=int, default=2, help='torch CPU threads')
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)

    data_dir = ensure_synthetic_dataset(os.path.join(args.out, 'synthetic'), num_sequences=1, num_frames=args.frames,
                                        size=(320, 240), seed=0, verbose=True)
    seq = sorted(n for n in os.listdir(data_dir) if os.path.isdir(os.path.join(data_dir, n)))[0]
    seq_dir = os.path.join(data_dir, seq)
    gt = load_text(os.path.join(seq_dir, 'groundtruth.txt'), delimiter=(',', None), dtype=np.float64)
    frame_files = sorted(f for f in os.listdir(seq_dir) if f.endswith('.jpg'))

    weights = find_weights(args.net)
    if weights is None:
        from ltr.models.tracking.fcotnet import fcotnet
        torch.manual_seed(0)
        net = fcotnet(backbone_pretrained=False, backbone='resnet18', num_dist_bins=100, bin_displacement=0.1,
                      init_gauss_sigma=0.9, mask_init_factor=3.0, optim_init_step=0.9, optim_init_reg=0.1)
        tracker = make_tracker('fcot', 'default', net=net, image_sample_size=144, seed=0, clamp_box_per_axis=True)
    else:
        print(f"[demo] using weights {weights}")
        tracker = make_tracker('fcot', 'default', net=weights, seed=0)

    boxes, times = [], []
    video_path = os.path.join(args.out, f'{seq}_fcot.mp4')
    writer = None
    for i, name in enumerate(frame_files):
        image = imread_rgb(os.path.join(seq_dir, name))
        tic = time.perf_counter()
        if i == 0:
            tracker.initialize(image, {'init_bbox': gt[0].tolist()})
            box, flag = gt[0].tolist(), 'init'
        else:
            out = tracker.track(image)
            box, flag = out['target_bbox'], out['flag']
        times.append(time.perf_counter() - tic)
        boxes.append(box)
        print(f"[demo] frame {i + 1:3d}/{len(frame_files)}  {flag:13s} box {np.round(box, 1).tolist()}  "
              f"{times[-1] * 1000:7.1f} ms", flush=True)
        canvas = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
        for b, color in ((gt[i], (0, 255, 0)), (box, (0, 0, 255))):
            x, y, w, h = (int(round(v)) for v in b)
            cv2.rectangle(canvas, (x, y), (x + w, y + h), color, 2)
        if writer is None:
            writer = cv2.VideoWriter(video_path, cv2.VideoWriter_fourcc(*'mp4v'), 10, canvas.shape[1::-1])
        writer.write(canvas)
    writer.release()

    boxes = np.array(boxes)
    result_file = os.path.join(args.out, f'{seq}.txt')
    np.savetxt(result_file, boxes, delimiter='\t', fmt='%f')
    np.savetxt(os.path.join(args.out, f'{seq}_time.txt'), np.array(times), fmt='%f')
    ious = iou_xywh(boxes[1:], gt[1:len(boxes)])
    print(f"\n| sequence | frames | init s | track FPS | mean IoU | weights |\n|---|---|---|---|---|---|\n"
          f"| {seq} | {len(boxes)} | {times[0]:.2f} | {(len(times) - 1) / sum(times[1:]):.2f} | {ious.mean():.3f} | "
          f"{weights or 'untrained ResNet-18'} |")
    print(f"[demo] wrote {result_file}, {video_path}")


if __name__ == '__main__':
    main()
