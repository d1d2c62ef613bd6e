"""Running trackers over datasets: ``run_sequence`` and ``run_dataset``.

- Sequences whose results are complete (``results_complete``: both files, one
  line per frame) are skipped; partial results are run again and replaced.
- A sequence that raises is reported with its traceback and the run goes on;
  the failures are listed at the end and returned in the ``RunSummary``
  (``summary.failed``; ``summary.raise_if_failed()``; the CLI exits with 1).
  With ``debug > 0`` exceptions propagate (for debugging), nothing is skipped
  and no result file is written (as in pytracking).
- ``threads > 0`` runs the sequences in that many worker processes
  (multiprocessing 'spawn' pool); trackers and sequences must be picklable.
- Progress: a tqdm bar over the (sequence, tracker) jobs and one line per job
  with its frame count and FPS (frames / total tracker time, init included).
"""
import multiprocessing
import traceback
from dataclasses import dataclass, field
from typing import List, Optional

from tqdm import tqdm

from pytracking.evaluation.results_io import results_state, save_tracker_output

__all__ = ['SequenceRun', 'RunSummary', 'RunFailedError', 'run_sequence', 'run_dataset']


@dataclass
class SequenceRun:
    """Outcome of one (sequence, tracker) job. ``status``: 'done', 'skipped' or 'failed'."""
    tracker: str
    sequence: str
    status: str
    num_frames: int = 0
    fps: Optional[float] = None
    error: Optional[str] = None  # formatted traceback when failed
    redone: bool = False  # partial results were found and replaced


class RunFailedError(RuntimeError):
    """Raised by ``RunSummary.raise_if_failed`` when some sequences failed."""


@dataclass
class RunSummary:
    """All job outcomes of a ``run_dataset`` call."""
    runs: List[SequenceRun] = field(default_factory=list)

    def _with(self, status):
        return [r for r in self.runs if r.status == status]

    @property
    def done(self):
        return self._with('done')

    @property
    def skipped(self):
        return self._with('skipped')

    @property
    def failed(self):
        return self._with('failed')

    @property
    def ok(self):
        return not self.failed

    def raise_if_failed(self):
        if self.failed:
            raise RunFailedError('{} of {} sequence runs failed: {}'.format(
                len(self.failed), len(self.runs), ', '.join('{} / {}'.format(r.tracker, r.sequence)
                                                           for r in self.failed)))


def run_sequence(seq, tracker, debug=0, visdom_info=None, int_results=False):
    """Run ``tracker`` on ``seq`` and save its results; returns a ``SequenceRun``.

    Complete results are skipped (when ``debug`` is 0). Exceptions are caught
    and returned as status 'failed' with the traceback, unless ``debug > 0``.
    """
    label = tracker.label()
    state = results_state(tracker, seq) if not debug else 'missing'
    if state == 'complete':
        return SequenceRun(label, seq.name, 'skipped', len(seq.frames))
    try:
        output = tracker.run_sequence(seq, debug=debug, visdom_info=visdom_info)
        times = [float(t) for t in output['time']]
        if not debug:
            save_tracker_output(seq, tracker, output, int_results=int_results)
    except Exception:
        if debug:
            raise
        return SequenceRun(label, seq.name, 'failed', len(seq.frames), error=traceback.format_exc(),
                           redone=state == 'partial')
    total = sum(times)
    fps = len(times) / total if total > 0 else float('inf')
    return SequenceRun(label, seq.name, 'done', len(times), fps=fps, redone=state == 'partial')


def _run_job(args):
    return run_sequence(*args)


def _report(run, pbar):
    if run.status == 'done':
        pbar.set_postfix_str('{}: {:.1f} FPS'.format(run.sequence, run.fps))
        pbar.write('{} | {} | {} frames | FPS: {:.1f}{}'.format(
            run.tracker, run.sequence, run.num_frames, run.fps, ' (partial results redone)' if run.redone else ''))
    elif run.status == 'failed':
        pbar.write('FAILED: {} | {}\n{}'.format(run.tracker, run.sequence, run.error.rstrip()))
    pbar.update(1)


def execute_sequence_runs(dataset, trackers, debug, threads, desc, is_complete, make_job, run_job, report):
    """Shared driver of the OPE and VOT runners: check the trackers, skip (tracker, sequence) pairs whose results
    are complete (unless ``debug``), run the others sequentially or in ``threads`` spawned processes with a tqdm
    bar, and collect a :class:`RunSummary`.

    ``run_job(make_job(seq, tracker))`` must return a ``SequenceRun`` (picklable job for ``threads > 0``);
    ``report(run, pbar)`` prints one line per finished run and advances the bar.
    """
    dataset, trackers = list(dataset), list(trackers)
    for tracker in trackers:
        tracker.check_available()
    summary = RunSummary()
    jobs = []
    for seq in dataset:
        for tracker in trackers:
            if not debug and is_complete(tracker, seq):
                summary.runs.append(SequenceRun(tracker.label(), seq.name, 'skipped', len(seq.frames)))
            else:
                jobs.append(make_job(seq, tracker))
    if summary.skipped:
        print('Skipping {} sequence runs with complete results (delete them to recompute)'.format(
            len(summary.skipped)))
    with tqdm(total=len(jobs), desc=desc, unit='seq', dynamic_ncols=True, disable=not jobs) as pbar:
        if threads and threads > 0 and jobs:
            with multiprocessing.get_context('spawn').Pool(processes=threads) as pool:
                for run in pool.imap_unordered(run_job, jobs):
                    summary.runs.append(run)
                    report(run, pbar)
        else:
            for job in jobs:
                pbar.set_postfix_str(job[0].name)
                run = run_job(job)
                summary.runs.append(run)
                report(run, pbar)
    return summary


def run_dataset(dataset, trackers, debug=0, threads=0, visdom_info=None, int_results=False):
    """Run every tracker on every sequence of ``dataset``; returns a ``RunSummary``.

    args:
        dataset - iterable of Sequence (e.g. a SequenceList).
        trackers - list of Tracker.
        debug - debug level (> 0: exceptions propagate, no skipping, no saving).
        threads - 0: sequential; N > 0: N worker processes ('spawn').
        visdom_info - dict with 'use_visdom', 'server', 'port'.
        int_results - write integer box files (pytracking's format) instead of floats.
    raises:
        the lookup errors of ``Tracker.check_available`` before anything runs.
    """
    visdom_info = {} if visdom_info is None else visdom_info
    print('Evaluating {:4d} trackers on {:5d} sequences'.format(len(list(trackers)), len(list(dataset))))
    summary = execute_sequence_runs(
        dataset, trackers, debug, threads, desc='Tracking',
        is_complete=lambda tracker, seq: results_state(tracker, seq) == 'complete',
        make_job=lambda seq, tracker: (seq, tracker, debug, visdom_info, int_results),
        run_job=_run_job, report=_report)
    print('Done: {} run, {} skipped, {} failed'.format(len(summary.done), len(summary.skipped),
                                                       len(summary.failed)))
    if summary.failed:
        print('Failed sequence runs:')
        for run in summary.failed:
            last_line = run.error.strip().splitlines()[-1] if run.error else ''
            print('  {} | {}: {}'.format(run.tracker, run.sequence, last_line))
    return summary
