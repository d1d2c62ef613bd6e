"""Print the ``trackers.ini`` section that adds FCOT to a VOT toolkit workspace.

    python -m pytracking.vot.trackers_ini fcot PARAM --name NAME [--net PATH] >> WORKSPACE/trackers.ini

The section runs :mod:`pytracking.vot.trax_server` with this interpreter (absolute path) and this installation
on the Python path (``env_PYTHONPATH``), so no hand editing is needed; then ``vot test NAME`` /
``vot evaluate NAME`` in the workspace. Keys as vot-toolkit 0.9.0 reads them (``protocol = trax``, ``command``,
``env_*``, ``restart``); the toolkit may live in another environment than FCOT.
"""
import argparse
import os
import re
import sys

__all__ = ['trackers_ini_section', 'main']


def trackers_ini_section(tracker_name, param_name, name, net=None, threads=None):
    """The ``[NAME]`` section text (protocol trax, command, env_PYTHONPATH, restart)."""
    if not re.fullmatch(r'[A-Za-z0-9_\-]+', name):
        raise ValueError('tracker name {!r} for trackers.ini must use letters, digits, _ and - only'.format(name))
    root = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
    args = [tracker_name, param_name]
    if net:
        args += ['--net', os.path.abspath(net)]
    if threads:
        args += ['--threads', str(int(threads))]
    command = ' '.join(['{}'.format(sys.executable), '-m', 'pytracking.vot.trax_server'] + args)
    return '\n'.join(['[{}]'.format(name),
                      'label = {}'.format(name),
                      'protocol = trax',
                      'command = {}'.format(command),
                      'env_PYTHONPATH = {}'.format(root),
                      'restart = false', ''])


def main(argv=None):
    p = argparse.ArgumentParser(prog='python -m pytracking.vot.trackers_ini', description=__doc__.split('\n')[0])
    p.add_argument('tracker_name')
    p.add_argument('param_name')
    p.add_argument('--name', required=True, help='tracker identifier in the workspace (e.g. FCOT_demo)')
    p.add_argument('--net', default=None)
    p.add_argument('--threads', type=int, default=None)
    args = p.parse_args(argv)
    from ltr.admin.cli import run_command
    return run_command(p.prog, lambda: print(trackers_ini_section(args.tracker_name, args.param_name, args.name,
                                                                  args.net, args.threads)), ValueError)


if __name__ == '__main__':
    sys.exit(main())
