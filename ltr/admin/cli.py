"""Command-line helpers shared by the ``ltr`` and ``pytracking`` commands."""
import sys

__all__ = ['run_command']


def run_command(prog, action, user_errors, status=2):
    """Run ``action()``; an exception of the ``user_errors`` types (a problem the user can fix: wrong file, setting,
    name) is printed as one line ``<prog>: error: <message>`` on stderr and gives exit status ``status``; anything
    else propagates with its traceback. Returns 0 after a successful action."""
    try:
        action()
    except user_errors as e:
        print('{}: error: {}'.format(prog, e), file=sys.stderr)
        return status
    return 0
