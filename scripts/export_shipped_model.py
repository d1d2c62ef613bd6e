"""Make the shipped model file from a training checkpoint: the network weights (float32), its constructor, the
training statistics and a provenance record; the optimizer, scheduler and RNG states are dropped.

    python scripts/export_shipped_model.py workspace/fcot_tiny/checkpoints/ltr/fcot/fcot_tiny/FCOTNet_ep0016.pth.tar \
        pytracking/networks/fcot_tiny.pth.tar

A model trained in several stages names the final checkpoints of the earlier stages, in order, with ``--previous``:

    python scripts/export_shipped_model.py .../fcot_tiny_stage2/FCOTNet_ep0012.pth.tar pytracking/networks/fcot_tiny.pth.tar \
        --previous .../fcot_tiny/FCOTNet_ep0016.pth.tar

A ``--previous`` file may also be an exported model (a stage started with ``--init_from`` a shipped file): its own
provenance stages and statistics are taken over in order, so the record still reaches back to the first stage.

The result is an ordinary checkpoint: ``ltr.admin.loading.load_network`` rebuilds the network from ``constructor``
and loads ``net`` strictly. ``provenance`` records, for every stage (earlier stages first, the source last), the
checkpoint's name, SHA-256, epoch, train-settings module and settings; ``stats_history`` keeps each stage's
per-epoch statistics (``scripts/plot_training_curves.py`` draws them end to end); ``stats`` is the last stage's.
"""
import argparse
import hashlib
import os
import sys

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), '..')))


#: Training settings copied into the provenance record.
PROVENANCE_SETTINGS = ('output_sz', 'search_area_factor', 'batch_size', 'samples_per_epoch', 'total_epochs', 'seed',
                       'optim_iter', 'net_options', 'output_sigma_factor', 'label_72_sigma_factor',
                       'synthetic_params', 'num_train_frames', 'num_test_frames', 'crop_edge_rule',
                       'synthetic_dir_suffix', 'sample_stream_per_stage', 'frozen_modules', 'init_from', 'description')


def file_sha256(path) -> str:
    """The SHA-256 hex digest of the file ``path``."""
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def check_training_checkpoint(path, ckpt):
    """Raise ``ValueError`` naming ``path`` unless ``ckpt`` has the entries of a training checkpoint."""
    for key in ('epoch', 'net', 'constructor'):
        if key not in ckpt:
            raise ValueError("'{}' is not a training checkpoint: it has no '{}' entry".format(path, key))


def stage_record(path, ckpt):
    """``{'provenance': {...}, 'stats': ...}`` of one training checkpoint (file name, SHA-256, epoch, settings)."""
    check_training_checkpoint(path, ckpt)
    digest = file_sha256(path)
    settings = ckpt.get('settings')
    provenance = {'source_checkpoint': os.path.basename(path), 'source_sha256': digest, 'epoch': ckpt['epoch'],
                  'train_settings': 'ltr/train_settings/fcot/{}.py'.format(getattr(settings, 'script_name',
                                                                                   'fcot_tiny')),
                  'settings': {k: getattr(settings, k) for k in PROVENANCE_SETTINGS if hasattr(settings, k)}}
    if 'averaged_from' in ckpt:       # made by scripts/average_checkpoints.py
        provenance['averaged_from'] = ckpt['averaged_from']
    return {'provenance': provenance, 'stats': ckpt.get('stats')}


def previous_stage_records(path, ckpt):
    """The stage records of one ``--previous`` file: one for a training checkpoint; for an exported model (it has
    ``provenance``), the records of all its stages (from ``provenance['stages']`` and ``stats_history``)."""
    if 'provenance' not in ckpt:
        return [stage_record(path, ckpt)]
    stages, history = ckpt['provenance'].get('stages'), ckpt.get('stats_history')
    if not stages or history is None or len(history) != len(stages):
        raise ValueError("'{}' is an exported model whose provenance has {} stages and {} stats_history entries; "
                         "expected the same non-zero number".format(path, len(stages or []), len(history or [])))
    return [{'provenance': prov, 'stats': h['stats']} for prov, h in zip(stages, history)]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('checkpoint')
    p.add_argument('out')
    p.add_argument('--previous', nargs='+', default=[], metavar='CHECKPOINT',
                   help='final checkpoints of the earlier training stages, first stage first (or an exported '
                        'model, whose recorded stages are taken over)')
    args = p.parse_args(argv)
    import torch
    from ltr.admin.loading import load_network, torch_load_legacy
    stages = [record for path in args.previous for record in previous_stage_records(path, torch_load_legacy(path))]
    ckpt = torch_load_legacy(args.checkpoint)
    stages.append(stage_record(args.checkpoint, ckpt))
    provenance = dict(stages[-1]['provenance'], stages=[s['provenance'] for s in stages])
    out = {'epoch': ckpt['epoch'], 'net_type': ckpt['net_type'], 'actor_type': ckpt['actor_type'],
           'net': {k: v.clone() for k, v in ckpt['net'].items()}, 'net_info': ckpt.get('net_info'),
           'constructor': ckpt['constructor'], 'stats': ckpt.get('stats'), 'provenance': provenance,
           'stats_history': [{'train_settings': s['provenance']['train_settings'], 'epochs': s['provenance']['epoch'],
                              'stats': s['stats']} for s in stages]}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save(out, args.out)
    net = load_network(args.out)      # the normal path, strict
    print('wrote {} ({:.2f} MB, {} tensors, {:,} parameters, epoch {})'.format(
        args.out, os.path.getsize(args.out) / 2 ** 20, len(out['net']), sum(q.numel() for q in net.parameters()),
        out['epoch']))
    print('sha256 {}'.format(hashlib.sha256(open(args.out, 'rb').read()).hexdigest()))


if __name__ == '__main__':
    main()
