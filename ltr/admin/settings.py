"""Training run settings object (``ltr.admin.settings.Settings``)."""

from ltr.admin.environment import env_settings
from ltr.admin.local_settings import SettingsSnapshot

__all__ = ['Settings']


class Settings:
    """Settings of a training run; train-settings modules add attributes freely.

    Attributes:
        env: the ltr environment settings (:func:`ltr.admin.environment.env_settings`).
        use_gpu: whether to train on the GPU. pytracking sets ``True`` unconditionally; here it defaults to
            ``torch.cuda.is_available()`` so that training also runs on CPU-only machines.

    Picklable: ``env`` is stored as a :class:`~ltr.admin.local_settings.SettingsSnapshot` (the class defined in
    a ``local.py`` loaded by path cannot be pickled by reference).
    """

    def __init__(self):
        self.set_default()

    def set_default(self):
        """(Re)load ``env`` from the settings file and set ``use_gpu``."""
        import torch  # deferred: keeps `import ltr.admin.settings` light
        self.env = env_settings()
        self.use_gpu = torch.cuda.is_available()

    def __getstate__(self):
        state = dict(self.__dict__)
        if 'env' in state and state['env'] is not None:
            state['env'] = SettingsSnapshot.of(state['env'])
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
