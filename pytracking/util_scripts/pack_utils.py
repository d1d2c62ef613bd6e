"""Shared helpers of the server packers: completeness checks and zip writing."""
import sys
import os
import zipfile

from pytracking.evaluation.results_io import load_result_boxes, result_file_paths

__all__ = ['IncompleteResultsError', 'check_results', 'write_zip']


class IncompleteResultsError(FileNotFoundError):
    """Some sequences have no (complete) results; ``problems`` lists (results_dir, sequence, reason)."""

    def __init__(self, message, problems):
        super().__init__(message)
        self.problems = problems


def _num_lines(path):
    with open(path) as f:
        return sum(1 for line in f if line.strip())


def check_results(trackers, dataset, need_time=False):
    """Raise IncompleteResultsError (listing every problem) unless each tracker has a box file with one line per
    frame (and a time file with ``need_time``) for every sequence."""
    problems = []
    for trk in trackers:
        for seq in dataset:
            box_path, time_path = result_file_paths(trk.results_dir, seq.name)
            if not os.path.isfile(box_path):
                problems.append((trk.results_dir, seq.name, 'missing {}'.format(os.path.basename(box_path))))
            elif _num_lines(box_path) != len(seq.frames):
                problems.append((trk.results_dir, seq.name, '{} lines for {} frames'.format(
                    _num_lines(box_path), len(seq.frames))))
            if need_time and not os.path.isfile(time_path):
                problems.append((trk.results_dir, seq.name, 'missing {}'.format(os.path.basename(time_path))))
    if problems:
        shown = '\n'.join('  {} | {}: {}'.format(*p) for p in problems[:50])
        more = '' if len(problems) <= 50 else '\n  ... and {} more'.format(len(problems) - 50)
        raise IncompleteResultsError('Refusing to pack: {} problem(s) with the results:\n{}{}'.format(
            len(problems), shown, more), problems)


def format_boxes(path, fmt):
    return ''.join(','.join(fmt % v for v in row) + '\n' for row in load_result_boxes(path))


def write_zip(zip_path, files):
    """Write ``files`` (archive name -> text) to ``zip_path`` (through a temporary file)."""
    os.makedirs(os.path.dirname(os.path.abspath(zip_path)), exist_ok=True)
    tmp = '{}.tmp{}'.format(zip_path, os.getpid())
    with zipfile.ZipFile(tmp, 'w', zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    os.replace(tmp, zip_path)
    return zip_path


def run_pack_command(prog, pack):
    """Run ``pack()`` for a packing command: print the zip path and return 0; print the error and return 1 for
    missing/incomplete results, 2 for a settings or argument error."""
    from pytracking.evaluation.environment import SettingsError
    try:
        path = pack()
    except IncompleteResultsError as e:
        print('{}: error: {}'.format(prog, e), file=sys.stderr)
        return 1
    except (SettingsError, ValueError) as e:
        print('{}: error: {}'.format(prog, e), file=sys.stderr)
        return 2
    print('Packed results: {}'.format(path))
    return 0
