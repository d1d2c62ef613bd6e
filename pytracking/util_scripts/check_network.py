"""Check a downloaded or trained FCOT network file before a long run.

    python -m pytracking.util_scripts.check_network PATH [--crop 288]

Loads the file through :func:`ltr.admin.loading.load_network` (restricted unpickler: nothing in the file is
executed), compares every key and shape of its weights with the official FCOT layout
(``ltr/data_specs/fcot_state_dict.txt``, 414 entries), prints the constructor and its keyword arguments, the epoch,
the parameter count, and runs one tracking forward pass on a random crop. A network built with width options
(e.g. FCOT-tiny) is reported as such and checked against its own constructor.

Exit status: 0 when the file is usable, 2 with one line naming the file and the problem otherwise.
"""
import argparse
import os
import sys

_REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

__all__ = ['check_network', 'NetworkCheckError', 'main']


class NetworkCheckError(RuntimeError):
    """The file is not a usable FCOT network (the message names the file and what is wrong)."""


def check_network(path, crop=288, log=print):
    """Run the checks; returns a dict of findings. Raises :class:`NetworkCheckError` on any problem."""
    import torch
    from ltr.admin.loading import _split_checkpoint, load_network, torch_load_legacy
    from ltr.admin.official_layout import compare_with_layout, read_official_layout
    if not os.path.isfile(path):
        raise NetworkCheckError("'{}': no such file".format(path))
    try:
        ckpt = torch_load_legacy(path)
        state_dict, constructor, _ = _split_checkpoint(ckpt, source=path)
    except Exception as e:  # any failure to read is reported in one line, naming the file
        raise NetworkCheckError("'{}' cannot be read as a checkpoint ({}: {})".format(path, type(e).__name__,
                                                                                   str(e).splitlines()[0] if str(e)
                                                                                   else ''))
    state_dict = {k[7:] if k.startswith('module.') else k: v for k, v in state_dict.items()}
    diff = compare_with_layout(state_dict, read_official_layout())
    official = not any(diff.values())
    kwds = dict(getattr(constructor, 'kwds', None) or {})
    width_keys = ('backbone', 'backbone_width', 'truncate_backbone', 'decoder_dim', 'clf72_inner_dim',
                  'reg_inner_dim', 'reg_filter_channel', 'head_norm_groups', 'deformable_heads')
    variant = {k: kwds[k] for k in width_keys if k in kwds}
    if not official and not variant:
        parts = []
        if diff['missing']:
            parts.append('{} missing keys (e.g. {})'.format(len(diff['missing']), diff['missing'][0]))
        if diff['unexpected']:
            parts.append('{} unexpected keys (e.g. {})'.format(len(diff['unexpected']), diff['unexpected'][0]))
        if diff['shape']:
            k, a, b = diff['shape'][0]
            parts.append('{} shape mismatches (e.g. {}: official {}, file {})'.format(len(diff['shape']), k, a, b))
        raise NetworkCheckError("'{}' does not have the official FCOT layout: {}".format(path, '; '.join(parts)))
    try:
        net = load_network(path).eval()
    except Exception as e:
        raise NetworkCheckError("'{}' does not load into its network ({}: {})".format(
            path, type(e).__name__, str(e).splitlines()[0] if str(e) else ''))
    with torch.no_grad():
        feats = net.extract_tracking_features(torch.randn(1, 3, crop, crop, generator=torch.Generator().manual_seed(0)))
    bad = [k for k, v in feats.items() if not torch.isfinite(v).all()]
    if bad:
        raise NetworkCheckError("'{}': the forward pass gives non-finite values in {}".format(path, bad))
    epoch = ckpt.get('epoch') if isinstance(ckpt, dict) else None
    info = {'official_layout': official, 'variant': variant, 'constructor': getattr(net, 'constructor', None),
            'epoch': epoch, 'parameters': sum(p.numel() for p in net.parameters()),
            'features': {k: tuple(v.shape) for k, v in feats.items()}}
    if log is not None:
        log('file:        {}'.format(os.path.abspath(path)))
        log('layout:      {}'.format('official FCOT (414 entries, every key and shape match)' if official else
                                     'not the official layout: a variant built with {}'.format(variant)))
        c = info['constructor']
        log('constructor: {}.{}'.format(getattr(c, 'fun_module', '?'), getattr(c, 'fun_name', '?')))
        for k in sorted(getattr(c, 'kwds', {}) or {}):
            log('  {} = {!r}'.format(k, c.kwds[k]))
        log('epoch:       {}'.format(epoch if epoch is not None else 'not recorded'))
        log('parameters:  {:,}'.format(info['parameters']))
        log('forward:     {}x{} random crop -> {}'.format(crop, crop, ', '.join(
            '{} {}'.format(k, tuple(v)) for k, v in info['features'].items())))
        log('OK')
    return info


def main(argv=None):
    p = argparse.ArgumentParser(prog='python -m pytracking.util_scripts.check_network',
                                description='Check an FCOT network file (layout, constructor, one forward pass).')
    p.add_argument('path', help='network file (e.g. models/fcot.pth)')
    p.add_argument('--crop', type=int, default=288, help='size of the random crop for the forward pass (288)')
    args = p.parse_args(argv)
    from ltr.admin.cli import run_command
    return run_command(p.prog, lambda: check_network(args.path, args.crop), NetworkCheckError)


if __name__ == '__main__':
    sys.exit(main())
