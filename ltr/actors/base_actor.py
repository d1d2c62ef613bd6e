"""Actor base class (pytracking ``ltr.actors.BaseActor``): runs the network on a batch and computes the loss."""

__all__ = ['BaseActor']


class BaseActor:
    """Base class for actors.

    An actor owns the network (possibly wrapped in DataParallel/DDP) and the objective (loss modules), and
    turns one collated batch (a ``TensorDict``) into ``(loss, stats)``.

    Args:
        net: the network.
        objective: loss module or dict of loss modules.
    """

    def __init__(self, net, objective):
        self.net = net
        self.objective = objective

    def __call__(self, data):
        """Run the network on ``data`` and return ``(loss, stats)``: a scalar tensor and a dict of floats."""
        raise NotImplementedError

    def to(self, device):
        """Move the network to ``device``."""
        self.net.to(device)

    def train(self, mode=True):
        """Set training (``mode=True``) or evaluation mode of the network."""
        self.net.train(mode)

    def eval(self):
        """Set the network to evaluation mode."""
        self.train(False)
