"""argparse value types.

``str2bool`` replaces argparse's ``type=bool``, which turns every non-empty
string (including 'False') into True.
"""
import argparse

__all__ = ['str2bool']

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
