"""Training statistics (pytracking names): :class:`StatValue` and :class:`AverageMeter`."""

__all__ = ['StatValue', 'AverageMeter']


class StatValue:
    """The latest value of a statistic, plus the history of every value given to :meth:`update`."""

    def __init__(self):
        self.clear()

    def reset(self):
        """Forget the current value (``val = 0``); the history is kept."""
        self.val = 0

    def clear(self):
        """Forget the current value and the history."""
        self.reset()
        self.history = []

    def update(self, val):
        """Set the current value and append it to the history."""
        self.val = val
        self.history.append(self.val)

    def new_epoch(self):
        """Start a new epoch: the current value is reset, the history is kept."""
        self.reset()

    def __repr__(self):
        return 'StatValue(val={!r}, len(history)={})'.format(self.val, len(self.history))


class AverageMeter:
    """Running (weighted) average over an epoch; :meth:`new_epoch` appends the epoch's average to ``history``.

    Attributes: ``val`` (last value), ``avg``, ``sum``, ``count``, ``history`` (one average per finished epoch
    that had data), ``has_new_data`` (whether the last epoch produced an average).
    """

    def __init__(self):
        self.clear()
        self.has_new_data = False

    def reset(self):
        """Zero the running values of the current epoch (``val, avg, sum, count``)."""
        self.val = 0
        self.avg = 0
        self.sum = 0
        self.count = 0

    def clear(self):
        """Zero the running values and forget the history."""
        self.reset()
        self.history = []

    def update(self, val, n=1):
        """Add ``val`` with weight ``n`` (e.g. the batch size)."""
        self.val = val
        self.sum += val * n
        self.count += n
        self.avg = self.sum / self.count

    def new_epoch(self):
        """Close the epoch: if it had data, append ``avg`` to ``history`` and reset."""
        if self.count > 0:
            self.history.append(self.avg)
            self.reset()
            self.has_new_data = True
        else:
            self.has_new_data = False

    def __repr__(self):
        return 'AverageMeter(val={!r}, avg={!r}, count={!r})'.format(self.val, self.avg, self.count)
