"""Average the network weights of several training checkpoints of one run (late epochs of a stage, "weight
averaging"): every floating-point tensor of ``net`` becomes the mean of the inputs' tensors; integer tensors
(BatchNorm's ``num_batches_tracked``) are the last input's, as are the epoch, settings, statistics and
constructor. BatchNorm running statistics are averaged like the weights, not recomputed.

    python scripts/average_checkpoints.py .../fcot_tiny_stage10/FCOTNet_ep000{5,6,7,8}.pth.tar stage10_avg.pth.tar

``--weights`` makes it a weighted mean (one positive weight per input, normalised to sum to 1), e.g. an
interpolation between a network before and after a fine-tuning (WiSE-FT, Wortsman et al., CVPR 2022):

    python scripts/average_checkpoints.py before.pth.tar after.pth.tar wise.pth.tar --weights 0.25 0.75

The result is a training checkpoint without optimizer, scheduler or RNG state, plus ``averaged_from``: one
``{'source_checkpoint', 'source_sha256', 'epoch'}`` per input, in order. It loads with
``ltr.admin.loading.load_network``, tracks with ``compare_baselines --net``, and ``scripts/export_shipped_model.py``
turns it into a shipped file (its provenance keeps ``averaged_from``). The inputs must share the constructor and
every ``net`` key, shape and dtype; a mismatch is reported with the file and the key at fault. Constructor keywords
that only choose the initial weights or which parameters train (``TRAINING_ONLY_KEYWORDS``: a stage with a frozen
backbone and its fine-tuned continuation) may differ.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), '..')))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_shipped_model import check_training_checkpoint, file_sha256  # noqa: E402

#: Entries of a training checkpoint that describe the training process, not the averaged weights.
DROPPED_ENTRIES = ('optimizer', 'lr_scheduler', 'grad_scaler', 'rng_state')

#: Constructor keywords that do not change the network's function once its weights are loaded: whether the
#: backbone starts from pretrained weights (``load_network`` forces it off) and whether it is frozen in training.
TRAINING_ONLY_KEYWORDS = ('backbone_pretrained', 'freeze_backbone')


def _constructor_signature(ckpt):
    c = ckpt.get('constructor')
    if c is None:
        return None
    kwds = {k: v for k, v in getattr(c, 'kwds', {}).items() if k not in TRAINING_ONLY_KEYWORDS}
    return (getattr(c, 'fun_name', None), getattr(c, 'fun_module', None), repr(getattr(c, 'args', None)),
            repr(sorted(kwds.items())))


def _normalised_weights(paths, weights):
    """``weights`` (one per path, positive) divided by their sum; ``None`` means equal weights."""
    if weights is None:
        return [1.0 / len(paths)] * len(paths)
    weights = [float(w) for w in weights]
    if len(weights) != len(paths):
        raise ValueError('--weights needs one weight per checkpoint: {} weights {} for {} checkpoints'.format(
            len(weights), weights, len(paths)))
    if any(not w > 0 for w in weights):
        raise ValueError('--weights must all be positive, got {}'.format(weights))
    total = sum(weights)
    return [w / total for w in weights]


def average_checkpoints(paths, checkpoints, weights=None):
    """The averaged checkpoint (dict) of ``checkpoints`` (loaded from ``paths``, same order); ``weights`` (one
    positive number per checkpoint, normalised to sum to 1; default equal) make it a weighted mean."""
    if len(checkpoints) < 2:
        raise ValueError('need at least two checkpoints to average, got {}'.format(list(paths)))
    equal = weights is None
    weights = _normalised_weights(paths, weights)
    first_path, first = paths[0], checkpoints[0]
    first_signature = _constructor_signature(first)
    for path, ckpt in zip(paths, checkpoints):
        check_training_checkpoint(path, ckpt)
        signature = _constructor_signature(ckpt)
        if signature != first_signature:
            raise ValueError("'{}' was built by another constructor than '{}': {} vs {}".format(
                path, first_path, signature, first_signature))
        if set(ckpt['net']) != set(first['net']):
            diff = sorted(set(ckpt['net']) ^ set(first['net']))
            raise ValueError("'{}' and '{}' hold different network keys, e.g. {}".format(path, first_path, diff[:3]))
        for k, v in ckpt['net'].items():
            ref = first['net'][k]
            if v.shape != ref.shape or v.dtype != ref.dtype:
                raise ValueError("'{}': net key '{}' is {} {}, but {} {} in '{}'".format(
                    path, k, tuple(v.shape), v.dtype, tuple(ref.shape), ref.dtype, first_path))
    last = checkpoints[-1]
    net = {}
    for k, v in last['net'].items():
        if v.is_floating_point():
            if equal:       # the plain mean, computed as before --weights existed (same bits for old averages)
                net[k] = (sum(c['net'][k].double() for c in checkpoints) / len(checkpoints)).to(v.dtype)
            else:
                net[k] = sum(w * c['net'][k].double() for w, c in zip(weights, checkpoints)).to(v.dtype)
        else:
            net[k] = v.clone()
    out = {k: v for k, v in last.items() if k not in DROPPED_ENTRIES}
    out['net'] = net
    out['averaged_from'] = [{'source_checkpoint': os.path.basename(p),
                             'source_sha256': file_sha256(p),
                             'epoch': c['epoch'], 'weight': w} for p, c, w in zip(paths, checkpoints, weights)]
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('checkpoints', nargs='+', help='training checkpoints of one network, two or more')
    p.add_argument('out')
    p.add_argument('--weights', type=float, nargs='+', default=None, metavar='W',
                   help='one positive weight per checkpoint, normalised to sum to 1 (default: equal weights)')
    args = p.parse_args(argv)
    import torch
    from ltr.admin.loading import load_network, torch_load_legacy
    out = average_checkpoints(args.checkpoints, [torch_load_legacy(path) for path in args.checkpoints],
                              args.weights)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save(out, args.out)
    load_network(args.out)            # the normal path, strict
    print('wrote {}: mean of {} checkpoints (epochs {}, weights {})'.format(
        args.out, len(args.checkpoints), ', '.join(str(a['epoch']) for a in out['averaged_from']),
        ', '.join('{:.4g}'.format(a['weight']) for a in out['averaged_from'])))
    print('sha256 {}'.format(file_sha256(args.out)))


if __name__ == '__main__':
    main()
