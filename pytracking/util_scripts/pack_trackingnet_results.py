"""Pack TrackingNet test results for the evaluation server.

Usage::

    python -m pytracking.util_scripts.pack_trackingnet_results fcot fcot_tn [--runid 0] [--output NAME]

The zip ``<tn_packed_results_path>/<NAME>.zip`` (default NAME ``<tracker>_<param>[_<runid:03d>]``) holds
``<seq>.txt`` for every sequence of the ``trackingnet`` dataset: comma-delimited ``%.2f`` x,y,w,h rows, one per
frame. Packing is refused (exit status 1, every problem listed) when a sequence has no complete result file.
"""
import argparse
import os
import sys

_REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

from pytracking.util_scripts.pack_utils import run_pack_command, check_results, format_boxes, write_zip  # noqa

__all__ = ['pack_trackingnet_results', 'main']


def pack_trackingnet_results(tracker_name, param_name, run_id=None, output_name=None, dataset=None):
    """Write the TrackingNet submission zip; returns its path. ``dataset`` defaults to ``trackingnet``."""
    from pytracking.evaluation import Tracker, get_dataset
    from pytracking.evaluation.environment import env_settings, required_path
    from pytracking.evaluation.results_io import result_file_paths

    tracker = Tracker(tracker_name, param_name, run_id)
    dataset = get_dataset('trackingnet') if dataset is None else dataset
    check_results([tracker], dataset)
    files = {'{}.txt'.format(seq.name): format_boxes(result_file_paths(tracker.results_dir, seq.name)[0], '%.2f')
             for seq in dataset}
    out_dir = required_path('tn_packed_results_path', env_settings(), must_exist=False)
    if output_name is None:
        output_name = '{}_{}'.format(tracker.name, tracker.parameter_name)
        if run_id is not None:
            output_name += '_{:03d}'.format(run_id)
    return write_zip(os.path.join(out_dir, output_name + '.zip'), files)


def main(argv=None):
    parser = argparse.ArgumentParser(description='Pack TrackingNet test results for the evaluation server.')
    parser.add_argument('tracker_name')
    parser.add_argument('tracker_param')
    parser.add_argument('--runid', type=int, default=None)
    parser.add_argument('--output', default=None, help='Zip name without .zip.')
    args = parser.parse_args(argv)
    return run_pack_command(parser.prog, lambda: pack_trackingnet_results(args.tracker_name, args.tracker_param, args.runid, args.output))


if __name__ == '__main__':
    sys.exit(main())
