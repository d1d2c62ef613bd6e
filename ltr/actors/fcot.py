"""FCOT actors, one per training stage (spec §3.4).

All actors call ``net(train_imgs, test_imgs, train_bb)`` with the collated batch (frames on dim 0, sequences on
dim 1) and use these batch keys (``ltr.data.processing.AnchorFreeProcessing``):

==================  ==================  ==============================================================
key                 shape               use
==================  ==================  ==============================================================
train_images        (Ntr, B, 3, S, S)   network input
test_images         (Nte, B, 3, S, S)   network input
train_anno          (Ntr, B, 4)         train boxes [x, y, w, h] (crop pixels)
test_anno           (Nte, B, 4)         passed to the classification loss (unused by LBHinge)
test_label          (Nte, B, S/16+1, S/16+1)  label of the stride-16 scores
test_label_72       (Nte, B, S/4+1, S/4+1)    label of the stride-4 scores
w2h2_72             (Nte, B, 4)         regression target (l, r, t, b) in stride-4 cells
ind_72              (Nte, B) int64      centre cell index (row-major) in the stride-4 grid
==================  ==================  ==============================================================

Objective keys: ``'test_clf'`` (LBHinge, both score maps) and ``'reg_72'`` (REGLoss, radius 2).

Loss weight keys (``settings.loss_weight``; a missing key counts as 0):

* classifier-72: ``test_clf_72`` (final iterate), ``test_init_clf_72`` (initial filter),
  ``test_iter_clf_72`` (spread over the middle iterates: each of the 4 gets ``w / 4``);
* classifier-18: ``test_clf_18``, ``test_init_clf_18``, ``test_iter_clf_18`` (same scheme);
* regression of the initial filter: ``reg_72``;
* regression optimizer stage: ``test_reg_72`` (final iterate), ``test_iter_reg_72`` (mean of iterates 1..4),
  ``test_init_reg_72`` (initial filter; added only if > 0).

Every actor returns ``(loss, stats)`` with ``stats['Loss/total']`` and the weighted terms, plus
``stats['IoU/reg_72']``: mean IoU of the (final) predicted box at the target centre cell.
"""
import torch

from ltr.actors.base_actor import BaseActor

__all__ = ['FcotActor', 'FcotCls72AndRegInitActor', 'FcotOnlineRegressionActor', 'FcotCls18Actor',
           'classifier_loss', 'centre_iou']


def _weight(loss_weight, key):
    return float(loss_weight.get(key, 0.0))


def classifier_loss(objective, scores, label, anno, w_final, w_init, w_iter):
    """Weighted classifier loss over the iterates.

    Args:
        objective: ``(scores, label, anno) -> scalar`` (LBHinge).
        scores: list of ``1 + K`` score tensors ``(Nte, B, G, G)``: initial filter, then K optimizer iterates.
        label: ``(Nte, B, G, G)``.
        w_final, w_init, w_iter: weights of the last iterate, the initial filter, and of the middle iterates
            (each of the ``K - 1`` middle iterates gets ``w_iter / (K - 1)``, i.e. ``w_iter / 4`` for K = 5).
    Returns:
        ``(total, final, init, iter)`` scalar tensors (unweighted final/init/iter-mean for logging in stats).
    """
    losses = [objective(s.float(), label, anno) for s in scores]
    final, init = losses[-1], losses[0]
    middle = losses[1:-1]
    total = w_final * final + w_init * init
    if middle:
        iter_sum = sum(middle)
        total = total + (w_iter / len(middle)) * iter_sum
        iter_mean = iter_sum / len(middle)
    else:
        iter_mean = torch.zeros_like(final)
    return total, final, init, iter_mean


def centre_iou(offsets, ind, target):
    """Mean IoU between predicted and target boxes at the target centre cell.

    Args:
        offsets: ``(..., 4, H, W)`` predicted (l, r, t, b); ind: ``(...)`` row-major centre index;
        target: ``(..., 4)`` target (l, r, t, b).
    Returns a float.
    """
    h, w = offsets.shape[-2:]
    pred = offsets.detach().float().reshape(-1, 4, h * w)
    ind = ind.reshape(-1).long()
    target = target.reshape(-1, 4).float()
    p = pred[torch.arange(pred.shape[0], device=pred.device), :, ind]          # (B', 4)
    p = p.clamp(min=0)
    area_p = (p[:, 0] + p[:, 1]) * (p[:, 2] + p[:, 3])
    area_t = (target[:, 0] + target[:, 1]) * (target[:, 2] + target[:, 3])
    inter = (torch.min(p[:, 0], target[:, 0]) + torch.min(p[:, 1], target[:, 1])) * \
            (torch.min(p[:, 2], target[:, 2]) + torch.min(p[:, 3], target[:, 3]))
    iou = inter / (area_p + area_t - inter).clamp(min=1e-6)
    return iou.mean().item()


class _FcotActorBase(BaseActor):
    """Shared forward/loss code. ``loss_weight``: dict of the weights listed in the module docstring."""

    def __init__(self, net, objective, loss_weight=None):
        super().__init__(net, objective)
        self.loss_weight = dict(loss_weight or {})

    def _forward(self, data):
        return self.net(train_imgs=data['train_images'], test_imgs=data['test_images'],
                        train_bb=data['train_anno'])

    def _clf_terms(self, scores, data, label_key, suffix, stats):
        w = self.loss_weight
        wf, wi, wit = (_weight(w, 'test_clf_' + suffix), _weight(w, 'test_init_clf_' + suffix),
                       _weight(w, 'test_iter_clf_' + suffix))
        total, final, init, it = classifier_loss(self.objective['test_clf'], scores, data[label_key],
                                                 data['test_anno'], wf, wi, wit)
        stats.update({'Loss/clf_{}'.format(suffix): total.item(),
                      'ClfTrain/test_loss_{}'.format(suffix): final.item(),
                      'ClfTrain/test_init_loss_{}'.format(suffix): init.item(),
                      'ClfTrain/test_iter_loss_{}'.format(suffix): it.item()})
        return total

    def _reg_init_term(self, offsets, data, stats):
        loss = self.objective['reg_72'](offsets.float(), data['ind_72'], data['w2h2_72'])
        weighted = _weight(self.loss_weight, 'reg_72') * loss
        stats.update({'Loss/reg_72': weighted.item(), 'RegTrain/test_loss_72': loss.item(),
                      'IoU/reg_72': centre_iou(offsets, data['ind_72'], data['w2h2_72'])})
        return weighted

    def _reg_optimizer_term(self, offsets_iter, data, stats):
        reg = self.objective['reg_72']
        losses = [reg(o.float(), data['ind_72'], data['w2h2_72']) for o in offsets_iter]
        w = self.loss_weight
        final = losses[-1]
        middle = losses[1:-1]
        iter_mean = sum(middle) / len(middle) if middle else torch.zeros_like(final)
        total = _weight(w, 'test_reg_72') * final + _weight(w, 'test_iter_reg_72') * iter_mean
        w_init = _weight(w, 'test_init_reg_72')
        if w_init > 0:
            total = total + w_init * losses[0]
        stats.update({'Loss/reg_72': total.item(), 'RegTrain/test_loss_72': final.item(),
                      'RegTrain/test_init_loss_72': losses[0].item(), 'RegTrain/test_iter_loss_72': iter_mean.item(),
                      'IoU/reg_72': centre_iou(offsets_iter[-1], data['ind_72'], data['w2h2_72'])})
        return total

    @staticmethod
    def _as_list(offsets):
        return list(offsets) if isinstance(offsets, (list, tuple)) else [offsets]


class FcotCls72AndRegInitActor(_FcotActorBase):
    """Stage 1 of the 3-stage recipe: classifier-72 + regression initial filter (no reg optimizer).

    loss = clf72 terms + ``reg_72`` * REGLoss(offsets). Official weights: clf72 100/10/400, reg_72 0.3.
    """

    def __call__(self, data):
        scores_18, scores_72, offsets = self._forward(data)
        stats = {}
        loss = self._clf_terms(scores_72, data, 'test_label_72', '72', stats)
        loss = loss + self._reg_init_term(self._as_list(offsets)[-1], data, stats)
        stats['Loss/total'] = loss.item()
        return loss, stats


class FcotOnlineRegressionActor(_FcotActorBase):
    """Regression-optimizer stage: offsets of every optimizer iterate, final weight ``test_reg_72`` (1) and the
    mean of iterates 1..4 weighted ``test_iter_reg_72`` (1)."""

    def __call__(self, data):
        _, _, offsets = self._forward(data)
        offsets = self._as_list(offsets)
        if len(offsets) < 2:
            raise ValueError('FcotOnlineRegressionActor needs the regression iterates (a list of offsets); the '
                             'net returned one tensor: build it with train_reg_optimizer=True and '
                             'train_cls_72_and_reg_init=False')
        stats = {}
        loss = self._reg_optimizer_term(offsets, data, stats)
        stats['Loss/total'] = loss.item()
        return loss, stats


class FcotCls18Actor(_FcotActorBase):
    """Classifier-18 stage: only the clf18 terms (official 100/100/400). IoU of the frozen regressor is logged."""

    def __call__(self, data):
        scores_18, _, offsets = self._forward(data)
        stats = {}
        loss = self._clf_terms(scores_18, data, 'test_label', '18', stats)
        stats['IoU/reg_72'] = centre_iou(self._as_list(offsets)[-1], data['ind_72'], data['w2h2_72'])
        stats['Loss/total'] = loss.item()
        return loss, stats


class FcotActor(_FcotActorBase):
    """Joint stage of the 2-stage recipe: clf72 + clf18 + regression initial filter (official 100/100/400 for
    both classifiers, reg_72 1)."""

    def __call__(self, data):
        scores_18, scores_72, offsets = self._forward(data)
        stats = {}
        loss = self._clf_terms(scores_72, data, 'test_label_72', '72', stats)
        loss = loss + self._clf_terms(scores_18, data, 'test_label', '18', stats)
        loss = loss + self._reg_init_term(self._as_list(offsets)[-1], data, stats)
        stats['Loss/total'] = loss.item()
        return loss, stats
