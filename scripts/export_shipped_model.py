"""Make the shipped model file from a training checkpoint: the network weights (float32), its constructor, the
training statistics and a provenance record; the optimizer, scheduler and RNG states are dropped.

    python scripts/export_shipped_model.py workspace/fcot_tiny/checkpoints/ltr/fcot/fcot_tiny/FCOTNet_ep0016.pth.tar \
        pytracking/networks/fcot_tiny.pth.tar

The result is an ordinary checkpoint: ``ltr.admin.loading.load_network`` rebuilds the network from ``constructor``
and loads ``net`` strictly. ``provenance`` records the source file's SHA-256, epoch and training settings.
"""
import argparse
import hashlib
import os
import sys

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), '..')))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('checkpoint')
    p.add_argument('out')
    args = p.parse_args(argv)
    import torch
    from ltr.admin.loading import load_network, torch_load_legacy
    ckpt = torch_load_legacy(args.checkpoint)
    with open(args.checkpoint, 'rb') as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    settings = ckpt.get('settings')
    keep = ('output_sz', 'search_area_factor', 'batch_size', 'samples_per_epoch', 'total_epochs', 'seed',
            'optim_iter', 'net_options', 'output_sigma_factor', 'label_72_sigma_factor', 'synthetic_params',
            'num_train_frames', 'num_test_frames', 'crop_edge_rule', 'description')
    provenance = {'source_checkpoint': os.path.basename(args.checkpoint), 'source_sha256': digest,
                  'epoch': ckpt['epoch'], 'train_settings': 'ltr/train_settings/fcot/{}.py'.format(
                      getattr(settings, 'script_name', 'fcot_tiny')),
                  'settings': {k: getattr(settings, k) for k in keep if hasattr(settings, k)}}
    out = {'epoch': ckpt['epoch'], 'net_type': ckpt['net_type'], 'actor_type': ckpt['actor_type'],
           'net': {k: v.clone() for k, v in ckpt['net'].items()}, 'net_info': ckpt.get('net_info'),
           'constructor': ckpt['constructor'], 'stats': ckpt.get('stats'), 'provenance': provenance}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save(out, args.out)
    net = load_network(args.out)      # the normal path, strict
    print('wrote {} ({:.2f} MB, {} tensors, {:,} parameters, epoch {})'.format(
        args.out, os.path.getsize(args.out) / 2 ** 20, len(out['net']), sum(q.numel() for q in net.parameters()),
        out['epoch']))
    print('sha256 {}'.format(hashlib.sha256(open(args.out, 'rb').read()).hexdigest()))


if __name__ == '__main__':
    main()
