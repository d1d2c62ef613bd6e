"""argparse value types.

``str2bool`` replaces argparse's ``type=bool``, which turns every non-empty
string (including 'False') into True.
"""
import argparse

__all__ = ['str2bool', 'add_debug_arguments', 'visdom_info_from_args']

_TRUE = ('true', '1', 'yes')
_FALSE = ('false', '0', 'no')


def str2bool(value):
    """'true'/'1'/'yes' -> True, 'false'/'0'/'no' -> False (case-insensitive); bools pass through.

    Raises argparse.ArgumentTypeError for anything else.
    """
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise argparse.ArgumentTypeError('invalid boolean value {!r}; use one of: {}'.format(
        value, ', '.join(_TRUE + _FALSE)))


def add_debug_arguments(parser):
    """The debug/visualisation options shared by run_tracker.py, run_video.py and run_webcam.py:
    ``--debug``, ``--use_visdom``, ``--visdom_server``, ``--visdom_port``, ``--save_debug``."""
    parser.add_argument('--debug', type=int, default=0, help='Debug level.')
    parser.add_argument('--use_visdom', type=str2bool, default=True,
                        help='Use visdom for debug visualization (true/false, 1/0, yes/no).')
    parser.add_argument('--visdom_server', type=str, default='127.0.0.1', help='Server for visdom.')
    parser.add_argument('--visdom_port', type=int, default=8097, help='Port for visdom.')
    parser.add_argument('--save_debug', type=str, default=None, metavar='DIR',
                        help='With --debug N: write the debug panels as PNG files per frame into DIR '
                             '(DIR/<sequence>/<panel>/<frame>.png and a DIR/<sequence>/summary.png montage).')


def visdom_info_from_args(args):
    """``{'use_visdom', 'server', 'port'}`` from arguments added by :func:`add_debug_arguments`."""
    return {'use_visdom': args.use_visdom, 'server': args.visdom_server, 'port': args.visdom_port}
