"""Parameter containers for trackers (pytracking's ``TrackerParams``)."""


class TrackerParams:
    """Attribute bag of tracker parameters; parameter files set attributes on it."""

    def set_default_values(self, default_vals: dict) -> None:
        """Set every ``name -> value`` in ``default_vals`` that is not set yet."""
        for name, val in default_vals.items():
            if not hasattr(self, name):
                setattr(self, name, val)

    def get(self, name: str, *default):
        """``getattr(self, name)``; with a default, return it when unset; without, raise naming the parameter."""
        if len(default) > 1:
            raise TypeError(f"get() takes at most one default, got {len(default)}")
        if not hasattr(self, name):
            if default:
                return default[0]
            raise AttributeError(f"tracker parameter {name!r} is not set")
        return getattr(self, name)

    def has(self, name: str) -> bool:
        return hasattr(self, name)

    def update(self, **values) -> 'TrackerParams':
        """Set several parameters at once; returns ``self``."""
        for name, val in values.items():
            setattr(self, name, val)
        return self

    def __repr__(self):
        items = ', '.join(f'{k}={v!r}' for k, v in sorted(vars(self).items()))
        return f'TrackerParams({items})'
