"""Pack GOT-10k test results for the evaluation server.

Usage::

    python -m pytracking.util_scripts.pack_got10k_results fcot fcot_got [--runids 0 1 2] [--output NAME]

The zip ``<got_packed_results_path>/<NAME>.zip`` (default NAME ``<tracker>_<param>``) holds, for each of the
sequences of the ``got10k_test`` dataset, ``<seq>/<seq>_001.txt`` (``_002``, ``_003`` for the 2nd and 3rd
run; comma-delimited ``%f`` x,y,w,h rows, one per frame) and ``<seq>/<seq>_time.txt`` (``%f`` seconds per
frame, from the first run). Runs: ``--runids`` (1 or 3 run ids), else ``<param>_000.._002`` when all three
folders exist, else the folder without run id. Packing is refused (exit status 1, every problem listed) when
a sequence has no complete result or time file in one of the runs.
"""
import argparse
import os
import sys

_REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

from pytracking.util_scripts.pack_utils import run_pack_command, check_results, format_boxes, write_zip  # noqa

__all__ = ['pack_got10k_results', 'default_run_ids', 'main']


def default_run_ids(tracker_name, param_name):
    """[0, 1, 2] when the three run folders exist, else [None]."""
    from pytracking.evaluation import Tracker
    if all(os.path.isdir(Tracker(tracker_name, param_name, i).results_dir) for i in range(3)):
        return [0, 1, 2]
    return [None]


def pack_got10k_results(tracker_name, param_name, run_ids=None, output_name=None, dataset=None):
    """Write the GOT-10k submission zip; returns its path. ``dataset`` defaults to ``got10k_test``."""
    from pytracking.evaluation import Tracker, get_dataset
    from pytracking.evaluation.environment import env_settings, required_path
    from pytracking.evaluation.results_io import load_result_times, result_file_paths

    if run_ids is None:
        run_ids = default_run_ids(tracker_name, param_name)
    run_ids = list(run_ids)
    if len(run_ids) not in (1, 3):
        raise ValueError('GOT-10k takes 1 or 3 runs, got run ids {}'.format(run_ids))
    trackers = [Tracker(tracker_name, param_name, r) for r in run_ids]
    dataset = get_dataset('got10k_test') if dataset is None else dataset
    check_results(trackers, dataset, need_time=True)
    files = {}
    for seq in dataset:
        for i, trk in enumerate(trackers):
            box_path, _ = result_file_paths(trk.results_dir, seq.name)
            files['{0}/{0}_{1:03d}.txt'.format(seq.name, i + 1)] = format_boxes(box_path, '%f')
        times = load_result_times(result_file_paths(trackers[0].results_dir, seq.name)[1])
        files['{0}/{0}_time.txt'.format(seq.name)] = ''.join('%f\n' % t for t in times)
    out_dir = required_path('got_packed_results_path', env_settings(), must_exist=False)
    name = output_name or '{}_{}'.format(trackers[0].name, trackers[0].parameter_name)
    return write_zip(os.path.join(out_dir, name + '.zip'), files)


def main(argv=None):
    parser = argparse.ArgumentParser(description='Pack GOT-10k test results for the evaluation server.')
    parser.add_argument('tracker_name')
    parser.add_argument('tracker_param')
    parser.add_argument('--runids', type=int, nargs='+', default=None, help='1 or 3 run ids.')
    parser.add_argument('--output', default=None, help='Zip name without .zip (default <tracker>_<param>).')
    args = parser.parse_args(argv)
    return run_pack_command(parser.prog, lambda: pack_got10k_results(args.tracker_name, args.tracker_param, args.runids, args.output))


if __name__ == '__main__':
    sys.exit(main())
