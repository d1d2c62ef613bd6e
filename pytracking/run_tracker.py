"""Run a tracker on a dataset (one-pass evaluation) and save its results.

Usage (from ``pytracking/``, from the repo root, or as ``python -m pytracking.run_tracker``)::

    python run_tracker.py fcot fcot_otb --dataset_name otb --threads 2 --runid 1

Results: ``<results_path>/<tracker>/<param>[_<runid:03d>]/<seq>.txt`` (tab-separated
[x, y, w, h] per frame, image pixels; floats, or integers with ``--int_results``)
and ``<seq>_time.txt``. Complete results are skipped, partial ones redone.
``--dataset vot`` runs the VOT2018 reset protocol (``pytracking/evaluation/vot_protocol.py``; results in
``<results_dir>/baseline/<seq>/<seq>_001.txt``) unless ``--vot_ope`` is given.
Exit status: 0 when every sequence ran or was skipped, 1 when a sequence failed (the failures
are listed at the end), 2 for a usage error or a wrong path in the settings file (local.py).
"""
import argparse
import os
import sys

_REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

from pytracking.utils.argtypes import add_debug_arguments, str2bool, visdom_info_from_args  # noqa: E402

__all__ = ['run_tracker', 'main', 'str2bool']


class SetupError(RuntimeError):
    """A problem that would fail every sequence (network file, parameter file): reported once, before the first."""


#: Exceptions of the setup check that are the user's to fix (one line, exit 2); anything else keeps its traceback.
_SETUP_ERRORS = (OSError, ValueError, ImportError, EOFError, AttributeError, KeyError, RuntimeError)


def run_tracker(tracker_name, tracker_param, run_id=None, dataset_name='otb', sequence=None, debug=0, threads=0,
                visdom_info=None, int_results=False, save_debug=None, vot_ope=False, net=None):
    """Run one tracker setting on a dataset (or one sequence of it); returns a RunSummary.

    args:
        tracker_name - name of the tracker (pytracking/tracker/<name>) or a fully qualified module.
        tracker_param - name of the parameter file (pytracking/parameter/<name>/<param>.py).
        run_id - int or None; results go to '<param>_<run_id:03d>'.
        dataset_name - a key of pytracking.evaluation.datasets.dataset_dict (e.g. 'otb', 'lasot', 'gott').
        sequence - None, a sequence index (int) or a sequence name.
        debug - debug level.
        threads - number of worker processes (0: sequential).
        visdom_info - dict with 'use_visdom', 'server', 'port'.
        int_results - write integer box files (pytracking format) instead of floats.
        save_debug - folder for the debug panels as PNG files (with debug > 0): <folder>/<seq>/<panel>/<frame>.png
                     and <folder>/<seq>/summary.png.
        vot_ope - for the 'vot' dataset, run one-pass instead of the VOT2018 reset protocol.
        net - network file replacing the parameter file's network.

    Before the first sequence the tracker is set up once (parameters built, network loaded): a failure there
    raises :class:`SetupError` naming the tracker and the problem, instead of failing every sequence.

    The 'vot' dataset runs the supervised (reset) protocol of pytracking.evaluation.vot_protocol
    (results in <results_dir>/baseline/<seq>/<seq>_001.txt) unless vot_ope is set.
    """
    from pytracking.evaluation import SequenceList, Tracker, get_dataset, run_dataset

    visdom_info = {} if visdom_info is None else dict(visdom_info)
    if save_debug:
        visdom_info['save_debug'] = save_debug
    dataset = get_dataset(dataset_name)
    if sequence is not None:
        dataset = SequenceList([dataset[sequence]])
    trackers = [Tracker(tracker_name, tracker_param, run_id, net_path=net)]
    for tracker in trackers:
        try:
            tracker.check_setup()
        except _SETUP_ERRORS as e:
            raise SetupError('cannot start {}: {}: {}'.format(tracker.label(), type(e).__name__, e)) from e
    if debug:
        print('Note: --debug {} runs are for looking: results are not saved and complete results are not '
              'skipped (run without --debug to save them).'.format(debug))
    if str(dataset_name).lower() == 'vot' and not vot_ope:
        from pytracking.evaluation.vot_protocol import run_vot_dataset
        return run_vot_dataset(dataset, trackers, debug, threads)
    return run_dataset(dataset, trackers, debug, threads, visdom_info=visdom_info, int_results=int_results)


def _sequence_arg(text):
    """A sequence index if ``text`` is an integer, else the sequence name."""
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return text


def build_parser():
    parser = argparse.ArgumentParser(description='Run a tracker on a dataset (one-pass evaluation).')
    parser.add_argument('tracker_name', type=str, help='Name of the tracking method (pytracking/tracker/<name>).')
    parser.add_argument('tracker_param', type=str, help='Name of the parameter file (pytracking/parameter/<name>/).')
    parser.add_argument('--runid', type=int, default=None, help='The run id (results folder <param>_<runid:03d>).')
    parser.add_argument('--dataset_name', '--dataset', dest='dataset_name', type=str, default='otb',
                        help='Dataset key: otb, nfs, uav, lasot, vot, trackingnet (tn), got10k_test (gott), '
                             'got10k_val (gotv), got10k_ltrval (gotlv), synthetic.')
    parser.add_argument('--sequence', type=str, default=None, help='Sequence index or name.')
    parser.add_argument('--threads', type=int, default=0, help='Number of worker processes (0: sequential).')
    parser.add_argument('--int_results', action='store_true',
                        help='Write integer boxes (truncated, pytracking format) instead of floats.')
    parser.add_argument('--net', type=str, default=None, metavar='PATH',
                        help="Network file to use instead of the parameter file's (e.g. models/fcot.pth).")
    parser.add_argument('--vot_ope', action='store_true',
                        help="Dataset 'vot': run one-pass instead of the VOT2018 reset protocol.")
    add_debug_arguments(parser)
    return parser


def main(argv=None):
    """CLI entry point; returns the exit status (0: all ran or were skipped, 1: some failed, 2: settings error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.threads < 0:
        parser.error('--threads must be >= 0, got {}'.format(args.threads))
    from pytracking.evaluation.datasets import UnknownDatasetError
    from pytracking.evaluation.environment import SettingsError
    try:
        summary = run_tracker(args.tracker_name, args.tracker_param, args.runid, args.dataset_name,
                              _sequence_arg(args.sequence), args.debug, args.threads,
                              visdom_info_from_args(args),
                              int_results=args.int_results, save_debug=args.save_debug,
                              vot_ope=args.vot_ope, net=args.net)
    except (SettingsError, SetupError, UnknownDatasetError) as e:  # user errors: one line saying what to fix
        print('{}: error: {}'.format(parser.prog, e), file=sys.stderr)
        return 2
    return 0 if summary.ok else 1


if __name__ == '__main__':
    sys.exit(main())
