"""Checks of an evaluation dataset's on-disk layout, with errors that name the local.py field.

Every dataset class takes its root folder from one field of the pytracking
settings file (``otb_path``, ``lasot_path``, ...). When that folder or one of
the files/folders expected inside it is missing, a :class:`DatasetLayoutError`
names the missing path, the settings field, its value, what the field must
point to, and the settings file to edit.
"""
import os

from pytracking.evaluation.environment import SettingsError, local_file_path, required_path

__all__ = ['DatasetLayoutError', 'DatasetRoot']


class DatasetLayoutError(SettingsError):
    """A dataset folder or file is missing: the settings field probably points to the wrong folder."""


class DatasetRoot:
    """The root folder of one dataset, from ``settings.<field>``, with layout checks.

    args:
        settings - the pytracking settings object (``env_settings()``).
        field - name of the settings field, e.g. 'otb_path'.
        expected - human readable description of what the folder must contain,
                   e.g. "the OTB-100 folder holding Basketball/, Biker/, ...".
    raises (constructor):
        SettingsError - the field is missing, empty, or names nothing on disk.
        DatasetLayoutError - it names a file instead of a folder.
    """

    def __init__(self, settings, field, expected):
        self.field = field
        self.expected = expected
        self.settings_file = getattr(settings, '_settings_file', None) or str(local_file_path())
        self.path = required_path(field, settings, must_exist=True)
        if not os.path.isdir(self.path):
            raise self.error("'{}' is not a folder".format(self.path))

    @classmethod
    def from_folder(cls, path, expected):
        """A root given directly as a folder (not through a settings field); errors name the folder."""
        root = cls.__new__(cls)
        root.field, root.expected, root.settings_file = None, expected, None
        root.path = os.path.abspath(os.fspath(path))
        if not os.path.isdir(root.path):
            raise root.error("'{}' is not a folder".format(root.path))
        return root

    def __str__(self):
        return self.path

    def join(self, *parts):
        return os.path.join(self.path, *parts)

    def error(self, problem):
        """A DatasetLayoutError describing ``problem`` and the field to fix."""
        if self.field is None:
            return DatasetLayoutError("{}. The folder '{}' must be {}.".format(problem, self.path, self.expected))
        return DatasetLayoutError("{}. The pytracking setting `{}` = '{}' must point to {}. Fix it in the settings "
                                  "file {}.".format(problem, self.field, self.path, self.expected, self.settings_file))

    def require_dir(self, path, what):
        """``path`` if it is a folder, else raise DatasetLayoutError ('<what> not found: <path>')."""
        if not os.path.isdir(path):
            raise self.error("{} not found: '{}' is not a folder".format(what, path))
        return path

    def require_file(self, path, what):
        """``path`` if it is a file, else raise DatasetLayoutError ('<what> not found: <path>')."""
        if not os.path.isfile(path):
            raise self.error("{} not found: '{}' is not a file".format(what, path))
        return path
