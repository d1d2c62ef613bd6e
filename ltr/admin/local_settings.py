"""One mechanism for the per-user ``local.py`` settings files of ``ltr`` and ``pytracking``.

Both packages keep machine-specific paths in a small, git-ignored Python file:

* ``ltr/admin/local.py`` defines ``class EnvironmentSettings`` (see :mod:`ltr.admin.environment`);
* ``pytracking/evaluation/local.py`` defines ``local_env_settings()`` (see
  :mod:`pytracking.evaluation.environment`).

:class:`LocalSettingsFile` implements the behaviour shared by both:

* the file in use is the one named by an environment variable (``LTR_LOCAL_FILE`` /
  ``PYTRACKING_LOCAL_FILE``) when it is set and non-empty, otherwise the default path inside the package;
* a missing file is generated with default values on first use (a one-line notice goes to stderr);
* an existing file is **never** overwritten: a file that cannot be loaded (syntax error, exception while
  building the settings, missing entry point) raises :class:`SettingsError` naming the file and the original
  exception, and leaves the file untouched;
* the file is loaded by path with :mod:`importlib` (not through the package import, so the override works)
  and re-read on every call;
* :meth:`LocalSettingsFile.required_path` turns an empty / undefined / non-existent path into an error that
  names the field and the file to edit.

This module only depends on the standard library, so ``pytracking`` can use it without importing torch.
"""

import importlib.util
import itertools
import os
import sys
from pathlib import Path

__all__ = ['SettingsError', 'SettingsSnapshot', 'LocalSettingsFile', 'py_literal']


class SettingsError(RuntimeError):
    """A settings file cannot be loaded, or a setting it provides is unusable."""


class SettingsSnapshot:
    """A plain, picklable copy of a settings object's attributes.

    The classes defined in a ``local.py`` loaded by path cannot be pickled by reference, so objects that are
    pickled (e.g. :class:`ltr.admin.settings.Settings` inside a checkpoint) store this snapshot instead.
    ``source_class`` records the qualified name of the class that was copied.
    """

    def __init__(self, source_class='', **attributes):
        self.source_class = source_class
        self.__dict__.update(attributes)

    @classmethod
    def of(cls, obj):
        """Snapshot ``vars(obj)`` (returns ``obj`` itself if it already is a snapshot)."""
        if isinstance(obj, SettingsSnapshot):
            return obj
        source = '{}.{}'.format(type(obj).__module__, type(obj).__qualname__)
        return cls(source_class=source, **dict(vars(obj)))

    def __repr__(self):
        fields = ', '.join('{}={!r}'.format(k, v) for k, v in sorted(vars(self).items()))
        return 'SettingsSnapshot({})'.format(fields)


def py_literal(value):
    """Python source for a settings value (``repr``); only str, path, number, bool, None, list and tuple."""
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        inner = ', '.join(py_literal(v) for v in value)
        if isinstance(value, tuple):
            return '({}{})'.format(inner, ',' if len(value) == 1 else '')
        return '[{}]'.format(inner)
    raise TypeError('Cannot write a settings value of type {} ({!r}); allowed: str, os.PathLike, int, float, '
                    'bool, None, or a list/tuple of those.'.format(type(value).__name__, value))


_module_counter = itertools.count()


class LocalSettingsFile:
    """Locate, generate and load one kind of ``local.py`` settings file.

    Args:
        kind: a short name used in messages, e.g. ``'ltr'``.
        env_var: environment variable that, when set and non-empty, names the file to use.
        default_path: the file used when ``env_var`` is not set.
        render: ``render(**fields) -> str`` producing the file's source; fields not given take their defaults;
            must raise ``TypeError`` for unknown field names.
        entry_point: name of the object the file must define (``'EnvironmentSettings'`` / ``'local_env_settings'``);
            it is called without arguments to build the settings object.
    """

    def __init__(self, kind, env_var, default_path, render, entry_point):
        self.kind = kind
        self.env_var = env_var
        self.default_path = Path(default_path)
        self.render = render
        self.entry_point = entry_point

    # ------------------------------------------------------------------ locating / writing
    def path(self):
        """The settings file in use: ``$env_var`` if set and non-empty, else ``default_path`` (absolute)."""
        override = os.environ.get(self.env_var, '')
        if override:
            return Path(os.path.expanduser(override)).absolute()
        return self.default_path.absolute()

    def write(self, path=None, overwrite=False, **fields):
        """Write a settings file with the given field values (others default); returns its path.

        Raises ``FileExistsError`` (naming the file) if it exists and ``overwrite`` is false.
        """
        path = Path(path) if path is not None else self.path()
        source = self.render(**fields)
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = 'w' if overwrite else 'x'
        try:
            with open(path, mode, encoding='utf-8') as f:
                f.write(source)
        except FileExistsError:
            raise FileExistsError('The {} settings file {} already exists; it is never overwritten. Edit it, or '
                                  'delete it to regenerate the defaults.'.format(self.kind, path)) from None
        return path

    def ensure(self, path=None):
        """Return the settings file path, generating a default file there first if it does not exist.

        A file named by the environment variable must exist: a missing one is a :class:`SettingsError` naming the
        variable and the path, and nothing is created there (a typo must not silently give default settings).
        """
        if path is None:
            path = self.path()
            override = os.environ.get(self.env_var, '')
            if override and not path.exists():
                raise SettingsError('{}={} names a {} settings file that does not exist. Create it (e.g. copy {}), '
                                    'or unset {} to use the default file.'.format(self.env_var, override, self.kind,
                                                                                  self.default_path, self.env_var))
        path = Path(path)
        if not path.exists():
            try:
                self.write(path)
            except FileExistsError:
                pass  # created concurrently by another process: use that one, never overwrite it
            else:
                print('Created the default {} settings file {}: edit it to set your paths.'.format(self.kind, path),
                      file=sys.stderr)
        return path

    # ------------------------------------------------------------------ loading
    def load(self):
        """Load the settings object from the file in use (generated with defaults if missing)."""
        path = self.ensure()
        module = self._exec_file(path)
        factory = getattr(module, self.entry_point, None)
        if factory is None or not callable(factory):
            raise SettingsError('The {} settings file {} does not define `{}`. Fix the file, or delete it to '
                                'regenerate the defaults.'.format(self.kind, path, self.entry_point))
        try:
            settings = factory()
        except Exception as e:
            raise SettingsError('Building the {} settings from {} failed ({}() raised {}: {}). The file was left '
                                'unchanged; fix it, or delete it to regenerate the defaults.'
                                .format(self.kind, path, self.entry_point, type(e).__name__, e)) from e
        try:
            settings._settings_file = str(path)
        except AttributeError as e:
            raise SettingsError('{}() in {} returned {!r}, which cannot carry attributes; it must return a settings '
                                'object.'.format(self.entry_point, path, settings)) from e
        return settings

    def _exec_file(self, path):
        name = '_{}_local_settings_{}'.format(self.kind, next(_module_counter))
        spec = importlib.util.spec_from_file_location(name, str(path))
        if spec is None or spec.loader is None:
            raise SettingsError('Cannot load the {} settings file {}: it must be a Python source file ending in .py.'
                                .format(self.kind, path))
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception as e:
            raise SettingsError('Cannot load the {} settings file {} ({}: {}). The file was left unchanged; fix it, '
                                'or delete it to regenerate the defaults.'
                                .format(self.kind, path, type(e).__name__, e)) from e
        return module

    # ------------------------------------------------------------------ checked access
    def settings_file_of(self, settings):
        """The file a settings object came from (for messages); the file in use if unknown."""
        return getattr(settings, '_settings_file', None) or str(self.path())

    def required_path(self, field, settings=None, must_exist=True):
        """Return the path stored in ``settings.<field>`` (``~`` expanded), or raise :class:`SettingsError`.

        The error names the field and the settings file to edit when the field is undefined, empty, or (with
        ``must_exist``) names nothing on disk. A list/tuple value (e.g. ``network_path``) gives its first
        non-empty entry, or with ``must_exist`` its first existing entry.
        """
        if settings is None:
            settings = self.load()
        file = self.settings_file_of(settings)
        if not hasattr(settings, field):
            raise SettingsError('The {} setting `{}` is not defined. Add `{}` to the settings file {}.'
                                .format(self.kind, field, self._assignment_hint(field), file))
        value = getattr(settings, field)
        candidates = list(value) if isinstance(value, (list, tuple)) else [value]
        wrong = [v for v in candidates if v is not None and not isinstance(v, (str, os.PathLike))]
        if wrong:
            raise SettingsError('The {} setting `{}` = {!r} has the wrong type ({}): it must be a path string (or a '
                                'list of them). Fix it in the settings file {}.'.format(
                                    self.kind, field, value, type(wrong[0]).__name__, file))
        candidates = [os.path.expanduser(os.fspath(v)) for v in candidates if v not in (None, '')]
        if not candidates:
            raise SettingsError('The {} setting `{}` is empty. Set it in the settings file {}, e.g. {}.'
                                .format(self.kind, field, file, self._assignment_hint(field)))
        if not must_exist:
            return candidates[0]
        for candidate in candidates:
            if os.path.exists(candidate):
                return candidate
        shown = candidates[0] if len(candidates) == 1 else candidates
        raise SettingsError('The {} setting `{}` = {!r} does not exist on disk. Fix it in the settings file {}.'
                            .format(self.kind, field, shown, file))

    def _assignment_hint(self, field):
        target = 'self' if self.entry_point == 'EnvironmentSettings' else 'settings'
        return "{}.{} = '/path/to/...'".format(target, field)
