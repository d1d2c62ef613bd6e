"""Classification losses (pytracking ``ltr.models.loss.target_classification``)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

__all__ = ['LBHinge']


class LBHinge(nn.Module):
    """Loss for the target classifier scores (DiMP/FCOT "LBHinge").

    Where ``label < threshold`` (background) the prediction is replaced by ``relu(prediction)``, so negative
    scores on the background cost nothing; elsewhere it is kept. The target is ``label * (label >= threshold)``.
    The loss is ``error_metric(prediction', target)`` (default MSE, mean over all elements), optionally clipped
    from above at ``clip``.

    Args:
        error_metric: a loss module ``(input, target) -> scalar`` (default ``nn.MSELoss()``).
        threshold: label threshold separating background (< threshold) from target; None means -100 (no
            background, i.e. plain ``error_metric``). FCOT uses 0.05.
        clip: optional upper bound of the loss.

    forward(prediction, label, target_bb=None): prediction and label of the same shape, e.g. (Nte, B, 19, 19);
    ``target_bb`` is accepted for API compatibility and unused. Returns a scalar tensor.
    """

    def __init__(self, error_metric=nn.MSELoss(), threshold=None, clip=None):
        super().__init__()
        self.error_metric = nn.MSELoss() if error_metric is None else error_metric
        self.threshold = threshold if threshold is not None else -100
        self.clip = clip

    def forward(self, prediction, label, target_bb=None):
        if prediction.shape != label.shape:
            raise ValueError('LBHinge: prediction shape {} != label shape {}'.format(tuple(prediction.shape),
                                                                                   tuple(label.shape)))
        negative_mask = (label < self.threshold).to(prediction.dtype)
        positive_mask = 1.0 - negative_mask
        prediction = negative_mask * F.relu(prediction) + positive_mask * prediction
        loss = self.error_metric(prediction, positive_mask * label)
        if self.clip is not None:
            loss = torch.clamp(loss, max=self.clip)
        return loss
