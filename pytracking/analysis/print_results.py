"""Print (and optionally plot) the scores of a tracker on a dataset.

Usage (from the repo root; ``python pytracking/analysis/print_results.py ...`` works too)::

    python -m pytracking.analysis.print_results fcot fcot_otb --dataset otb --runids 0 1 2 --plot

One-pass datasets: a table with AUC, OP50, OP75, Precision, Norm Precision and FPS (see
:mod:`pytracking.analysis.plot_results`); with several run ids one row per run (``--per_run``) and the
mean over the runs. ``--dataset vot`` prints the VOT2018 reset-protocol scores instead (Accuracy,
Robustness, Lost, EAO; :mod:`pytracking.analysis.vot_eao`).
Exit status: 0, 1 for missing results, 2 for a usage / settings error.
"""
import argparse
import os
import sys

_REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

__all__ = ['main', 'build_parser', 'evaluate_tracker', 'WithheldGroundTruthError', 'SERVER_SCORED']

#: Splits whose ground truth is withheld (only the first frame is public): dataset key -> (server, packing command).
SERVER_SCORED = {
    'got10k_test': ('the GOT-10k evaluation server (http://got-10k.aitestunion.com)',
                    'python -m pytracking.util_scripts.pack_got10k_results TRACKER PARAM RUN_IDS'),
    'trackingnet': ('the TrackingNet evaluation server (https://eval.ai, TrackingNet challenge)',
                    'python -m pytracking.util_scripts.pack_trackingnet_results TRACKER PARAM RUN_ID'),
}
SERVER_SCORED['gott'] = SERVER_SCORED['got10k_test']
SERVER_SCORED['tn'] = SERVER_SCORED['trackingnet']


class WithheldGroundTruthError(ValueError):
    """The split's ground truth is withheld: a score computed here would be made up."""


def refuse_server_scored(dataset_name):
    """Raise :class:`WithheldGroundTruthError` for GOT-10k test and TrackingNet test."""
    key = str(dataset_name).lower()
    if key in SERVER_SCORED:
        server, command = SERVER_SCORED[key]
        raise WithheldGroundTruthError(
            "the ground truth of '{}' is withheld (only the first frame is public), so no score can be computed "
            "here; these results are scored by {}. Pack them for upload with: {}".format(dataset_name, server,
                                                                                      command))


def build_parser():
    p = argparse.ArgumentParser(description='Print the evaluation scores of a tracker on a dataset.')
    p.add_argument('tracker_name')
    p.add_argument('tracker_param')
    p.add_argument('--dataset', '--dataset_name', dest='dataset', default='otb', help='Dataset key (otb, vot, ...).')
    p.add_argument('--runids', type=int, nargs='*', default=None, help='Run ids (default: no run id).')
    p.add_argument('--report_name', default=None, help='Cache/plot folder name (default: <tracker>_<param>_<ds>).')
    p.add_argument('--plot', action='store_true', help='Save success/precision plots (PNG and PDF).')
    p.add_argument('--per_run', action='store_true', help='Also print one row per run id.')
    p.add_argument('--per_sequence', action='store_true', help='Also print the per-sequence AUC.')
    p.add_argument('--attributes', nargs='?', const='', default=None,
                   help='Also print per-attribute tables (optional JSON file; see pytracking.analysis.attributes).')
    p.add_argument('--force', action='store_true', help='Recompute even when the cache is up to date.')
    p.add_argument('--skip_missing', action='store_true', help='Skip sequences with missing results.')
    p.add_argument('--exclude_invalid_frames', action='store_true')
    return p


def evaluate_tracker(tracker_name, tracker_param, dataset_name, run_ids=None, report_name=None, plot=False,
                     per_run=False, per_sequence=False, attributes=None, force=False, skip_missing=False,
                     exclude_invalid_frames=False):
    """The Python API of the command: prints the tables and returns the score dicts (merged over runs)."""
    refuse_server_scored(dataset_name)
    from pytracking.evaluation import get_dataset, trackerlist
    dataset = get_dataset(dataset_name)
    trackers = trackerlist(tracker_name, tracker_param, run_ids)
    if dataset_name.lower() == 'vot':
        from pytracking.analysis.vot_eao import print_vot_results
        return print_vot_results(trackers, dataset, report_name or 'vot2018', skip_missing_seq=skip_missing)
    import importlib
    pr = importlib.import_module('pytracking.analysis.plot_results')  # the module, not the function
    from pytracking.analysis.extract_results import extract_results
    if report_name is None:
        report_name = '{}_{}_{}'.format(trackers[0].name, trackers[0].parameter_name, dataset_name.lower())
    kwargs = dict(skip_missing_seq=skip_missing, exclude_invalid_frames=exclude_invalid_frames)
    eval_data = extract_results(trackers, dataset, report_name, force_evaluation=force, **kwargs)
    if eval_data.get('from_cache'):
        print('(results from the cache {}; up to date with the result files)'.format(report_name))
    scores = pr.compute_scores(eval_data, merge_results=True)
    rows = (pr.compute_scores(eval_data, merge_results=False) if per_run and len(trackers) > 1 else []) + scores
    if len(trackers) > 1:
        for s in scores:
            s['disp_name'] = '{} (mean of {} runs)'.format(s['disp_name'], len(s['run_ids']))
    print('\nReporting results over {} / {} sequences\n'.format(int(sum(eval_data['valid_sequence'])),
                                                               len(eval_data['sequences'])))
    print(pr.format_table(report_name, rows))
    if per_sequence:
        pr.print_per_sequence_results(trackers, dataset, report_name, merge_results=True, **kwargs)
    if attributes is not None:
        pr.print_results_per_attribute(trackers, dataset, report_name, merge_results=True,
                                       attribute_file=attributes or None, **kwargs)
    if plot:
        paths = pr.plot_results(trackers, dataset, report_name, merge_results=True, **kwargs)
        print('Plots saved:\n  ' + '\n  '.join(paths))
    return scores


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    from pytracking.analysis.extract_results import MissingResultsError
    from pytracking.evaluation.environment import SettingsError
    try:
        evaluate_tracker(args.tracker_name, args.tracker_param, args.dataset, args.runids, args.report_name,
                         args.plot, args.per_run, args.per_sequence, args.attributes, args.force,
                         args.skip_missing, args.exclude_invalid_frames)
    except (MissingResultsError, FileNotFoundError) as e:
        print('{}: error: {}'.format(parser.prog, e), file=sys.stderr)
        return 1
    except (SettingsError, ValueError) as e:
        print('{}: error: {}'.format(parser.prog, e), file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
