"""VOT2018 supervised (reset) protocol, run locally (no VOT toolkit needed).

Per sequence (FCOT/pysot semantics, spec section 4.6):

- frame ``k`` = 0 (and every re-initialization frame): the tracker is initialized with the box of the
  ground-truth polygon converted by ``params.vot_anno_conversion_type`` ('preserve_area' by default,
  :func:`pytracking.utils.vot_region.vot_anno_to_rect`); the frame is recorded as ``1``;
- every later frame is tracked; the predicted ``[x, y, w, h]`` is compared with the ground-truth polygon
  (exact overlap, regions cut to the image, :func:`pytracking.utils.vot_region.region_overlap`). Overlap > 0:
  the box is recorded. Overlap == 0: a failure, recorded as ``2``, and the tracker is re-initialized at frame
  ``k + 5`` (``skip_frames``); the frames in between are recorded as ``0`` (not tracked);
- the burn-in (10 frames from each init frame, excluded from the accuracy) is applied by the analysis
  (:mod:`pytracking.analysis.vot_eao`), not here.

Result files (pysot / FCOT layout), one file per run (pytracking run id -> its own results folder):
``<tracker.results_dir>/baseline/<seq>/<seq>_001.txt`` with one line per frame: ``1``, ``2``, ``0`` or
``x,y,w,h`` (``%.4f``), and ``<seq>_time.txt`` with the seconds per frame (0 for frames not run).
The same tracker object is re-initialized after a failure (``initialize`` is called again).
"""
import os
import time
import traceback

import numpy as np

from pytracking.evaluation.results_io import atomic_write_text
from pytracking.evaluation.running import SequenceRun, execute_sequence_runs
from pytracking.utils.vot_region import rect_to_polygon, region_overlap, vot_anno_to_rect

__all__ = ['SKIP_FRAMES', 'vot_result_paths', 'run_vot_sequence', 'save_vot_results', 'load_vot_results',
           'vot_results_complete', 'run_vot_sequence_job', 'run_vot_dataset', 'sequence_polygons']

SKIP_FRAMES = 5


def vot_result_paths(results_dir, seq_name, repetition=1):
    """(result file, time file) of a sequence in the VOT layout."""
    folder = os.path.join(results_dir, 'baseline', seq_name)
    return (os.path.join(folder, '{}_{:03d}.txt'.format(seq_name, repetition)),
            os.path.join(folder, '{}_time.txt'.format(seq_name)))


def sequence_polygons(seq):
    """(N, 8) ground-truth polygons of a VOT sequence (rectangles converted when it has no polygons)."""
    polys = getattr(seq, 'ground_truth_poly', None)
    if polys is not None:
        return np.asarray(polys, dtype=np.float64)
    return np.stack([rect_to_polygon(r) for r in np.asarray(seq.ground_truth_rect, dtype=np.float64)])


def run_vot_sequence(tracker_obj, seq, conversion_type='preserve_area', skip_frames=SKIP_FRAMES, image_reader=None):
    """Run the reset protocol with an already built tracker object; returns a dict.

    args:
        tracker_obj - object with ``initialize(image, info)`` and ``track(image, info)``.
        seq - Sequence with ``frames`` and ``ground_truth_poly`` (or ``ground_truth_rect``).
        image_reader - path -> (H, W, 3) RGB uint8 (default: ltr's imread_rgb).
    returns:
        {'results': per-frame 1 / 2 / 0 or [x, y, w, h], 'time': per-frame seconds,
         'failures': failure frame indices, 'init_frames': init frame indices, 'overlaps': per-frame overlap
         (NaN where not tracked)}
    """
    if image_reader is None:
        from ltr.data.image_loader import imread_rgb as image_reader
    polys = sequence_polygons(seq)
    n = len(seq.frames)
    results, times, overlaps, failures, init_frames = [], [], [], [], []
    next_init = 0
    prev_out = {}
    for k in range(n):
        if k < next_init:
            results.append(0)
            times.append(0.0)
            overlaps.append(np.nan)
            continue
        image = image_reader(seq.frames[k])
        if k == next_init:
            box = vot_anno_to_rect(polys[k], conversion_type)
            start = time.perf_counter()
            out = tracker_obj.initialize(image, {'init_bbox': box})
            times.append(time.perf_counter() - start)
            prev_out = dict(out) if isinstance(out, dict) else {}
            results.append(1)
            overlaps.append(np.nan)
            init_frames.append(k)
            continue
        start = time.perf_counter()
        out = tracker_obj.track(image, {'previous_output': prev_out})
        times.append(time.perf_counter() - start)
        prev_out = dict(out)
        box = [float(v) for v in np.asarray(out['target_bbox'], dtype=np.float64).reshape(-1)[:4]]
        ov = region_overlap(polys[k], box, bounds=(image.shape[1], image.shape[0]))
        if ov > 0:
            results.append(box)
            overlaps.append(ov)
        else:
            results.append(2)
            overlaps.append(np.nan)
            failures.append(k)
            next_init = k + skip_frames
    return {'results': results, 'time': times, 'failures': failures, 'init_frames': init_frames,
            'overlaps': np.asarray(overlaps, dtype=np.float64)}


def save_vot_results(results_dir, seq_name, output, repetition=1):
    """Write the VOT-layout result and time files; returns their paths."""
    res_path, time_path = vot_result_paths(results_dir, seq_name, repetition)
    os.makedirs(os.path.dirname(res_path), exist_ok=True)
    lines = []
    for r in output['results']:
        if isinstance(r, (int, np.integer)):
            lines.append('{:d}'.format(int(r)))
        else:
            lines.append(','.join('{:.4f}'.format(v) for v in r))
    atomic_write_text(time_path, ''.join('{:f}\n'.format(t) for t in output['time']))
    atomic_write_text(res_path, '\n'.join(lines) + '\n')
    return res_path, time_path


def load_vot_results(path):
    """A VOT-layout result file as a list of per-frame entries: int code 1/2/0 or [x, y, w, h] (or polygon)."""
    entries = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            vals = [float(v) for v in line.replace('\t', ',').split(',')]
            entries.append(int(vals[0]) if len(vals) == 1 else vals)
    return entries


def vot_results_complete(tracker, seq, repetition=1):
    """True when the VOT result file of ``seq`` exists with one line per frame."""
    res_path, _ = vot_result_paths(tracker.results_dir, seq.name, repetition)
    if not os.path.isfile(res_path):
        return False
    with open(res_path) as f:
        return sum(1 for line in f if line.strip()) == len(seq.frames)


def run_vot_sequence_job(seq, tracker, debug=0):
    """Run and save one (sequence, Tracker wrapper) with the reset protocol; returns a SequenceRun."""
    label = tracker.label()
    if not debug and vot_results_complete(tracker, seq):
        return SequenceRun(label, seq.name, 'skipped', len(seq.frames))
    try:
        params = tracker.get_parameters()
        params.debug = debug
        params.visualization = bool(debug)
        tracker_obj = tracker.create_tracker(params)
        conversion = getattr(params, 'vot_anno_conversion_type', 'preserve_area')
        output = run_vot_sequence(tracker_obj, seq, conversion_type=conversion)
        if not debug:
            save_vot_results(tracker.results_dir, seq.name, output)
    except Exception:
        if debug:
            raise
        return SequenceRun(label, seq.name, 'failed', len(seq.frames), error=traceback.format_exc())
    total = sum(output['time'])
    num_run = sum(1 for r in output['results'] if not (isinstance(r, int) and r == 0))
    fps = num_run / total if total > 0 else float('inf')
    run = SequenceRun(label, seq.name, 'done', len(seq.frames), fps=fps)
    run.failures = len(output['failures'])
    return run


def _job(args):
    return run_vot_sequence_job(*args)


def run_vot_dataset(dataset, trackers, debug=0, threads=0):
    """Run the reset protocol for every (sequence, tracker); returns a RunSummary (complete results skipped)."""
    dataset, trackers = list(dataset), list(trackers)
    print('VOT reset protocol: {:4d} trackers on {:5d} sequences'.format(len(trackers), len(dataset)))

    def report(run, pbar):
        if run.status == 'done':
            pbar.write('{} | {} | {} frames | FPS: {:.1f} | Lost: {}'.format(
                run.tracker, run.sequence, run.num_frames, run.fps, getattr(run, 'failures', '?')))
        elif run.status == 'failed':
            pbar.write('FAILED: {} | {}\n{}'.format(run.tracker, run.sequence, run.error.rstrip()))
        pbar.update(1)

    summary = execute_sequence_runs(dataset, trackers, debug, threads, desc='VOT', is_complete=vot_results_complete,
                                    make_job=lambda seq, tracker: (seq, tracker, debug), run_job=_job, report=report)
    lost = sum(getattr(r, 'failures', 0) for r in summary.done)
    print('Done: {} run, {} skipped, {} failed; total lost: {}'.format(
        len(summary.done), len(summary.skipped), len(summary.failed), lost))
    return summary
