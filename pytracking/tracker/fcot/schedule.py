"""Which online model update FCOT runs on a frame (spec §4.4), as a pure decision.

The tracker executes the returned :class:`UpdatePlan`:

* ``'none'``: nothing (flag not_found / uncertain, or no update enabled);
* ``'insert'``: insert the current sample into the memories with ``learning_rate``, then run
  ``iters = (iter_72, iter_18, iter_reg)`` optimizer iterations (a count of 0 skips that optimizer);
* ``'offer'``: offer the current sample to the best-candidate buffer (score = windowed peak score);
* ``'offer_then_insert_best'``: offer, then insert the buffer's best sample with ``learning_rate``,
  run ``iters`` and clear the buffer.

The frame index is the pytracking ``frame_num`` (first frame = 1); ``n = frame_num - 1``.
"""
from typing import NamedTuple, Optional, Tuple

__all__ = ['UpdatePlan', 'plan_model_update']


class UpdatePlan(NamedTuple):
    action: str                                   # 'none' | 'insert' | 'offer' | 'offer_then_insert_best'
    learning_rate: Optional[float] = None
    iters: Tuple[int, int, int] = (0, 0, 0)       # (classifier-72, classifier-18, regressor)


def _get(params, name, default=None):
    if isinstance(params, dict):
        value = params.get(name, default)
    else:
        value = getattr(params, name, default)
    if value is None:
        raise AttributeError(f"tracker parameter '{name}' is required but missing")
    return value


def plan_model_update(flag: str, frame_num: int, params) -> UpdatePlan:
    """Decide the model update of frame ``frame_num`` given the localization ``flag`` (spec §4.4).

    * flag not_found / uncertain (or ``update_classifier_and_regressor`` False): none.
    * hard_negative: insert with ``hard_negative_learning_rate``,
      iters ``(net_opt_hn_iter_72, net_opt_hn_iter, reg_net_opt_hn_iter)``.
    * ``n <= init_train_frames``: insert with ``learning_rate``,
      iters ``(init_train_iter_72, init_train_iter, reg_init_train_iter)``.
    * otherwise offer to the buffer; if ``n % train_skipping == 0`` also insert the best with
      ``learning_rate`` and iters ``(net_opt_update_iter_72, net_opt_update_iter, reg_net_opt_update_iter)``.
    """
    if flag not in ('normal', 'not_found', 'uncertain', 'hard_negative'):
        raise ValueError(f"unknown flag {flag!r}; allowed: normal, not_found, uncertain, hard_negative")
    if flag in ('not_found', 'uncertain') or not _get(params, 'update_classifier_and_regressor', True):
        return UpdatePlan('none')
    n = int(frame_num) - 1
    if flag == 'hard_negative':
        return UpdatePlan('insert', float(_get(params, 'hard_negative_learning_rate')),
                          (int(_get(params, 'net_opt_hn_iter_72')), int(_get(params, 'net_opt_hn_iter')),
                           int(_get(params, 'reg_net_opt_hn_iter'))))
    if n <= _get(params, 'init_train_frames'):
        return UpdatePlan('insert', float(_get(params, 'learning_rate')),
                          (int(_get(params, 'init_train_iter_72')), int(_get(params, 'init_train_iter')),
                           int(_get(params, 'reg_init_train_iter'))))
    if n % int(_get(params, 'train_skipping')) == 0:
        return UpdatePlan('offer_then_insert_best', float(_get(params, 'learning_rate')),
                          (int(_get(params, 'net_opt_update_iter_72')), int(_get(params, 'net_opt_update_iter')),
                           int(_get(params, 'reg_net_opt_update_iter'))))
    return UpdatePlan('offer')
