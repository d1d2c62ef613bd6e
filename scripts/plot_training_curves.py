"""Plot the per-epoch training and validation losses stored in a training checkpoint (its ``stats`` entry).

    python scripts/plot_training_curves.py CHECKPOINT OUT.png [--stats Loss/total Loss/clf_72 ...]

The trainer keeps one average per epoch for every statistic (``stats[loader][name].history``); this draws them
for the ``train`` and ``val`` loaders. Used for ``docs/fcot_tiny_loss.png``.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), '..')))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('checkpoint')
    p.add_argument('out')
    p.add_argument('--stats', nargs='+', default=['Loss/total', 'Loss/clf_72', 'Loss/clf_18', 'Loss/reg_72',
                                                   'IoU/reg_72'])
    p.add_argument('--title', default=None)
    args = p.parse_args(argv)
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    from ltr.admin.loading import torch_load_legacy
    ckpt = torch_load_legacy(args.checkpoint)
    stats = ckpt.get('stats') or {}
    fig, axes = plt.subplots(1, len(args.stats), figsize=(3.2 * len(args.stats), 3.0), dpi=110)
    for ax, name in zip(axes, args.stats):
        for loader, style in (('train', '-o'), ('val', '--s')):
            meter = (stats.get(loader) or {}).get(name)
            hist = list(getattr(meter, 'history', []) or [])
            if not hist:
                continue
            interval = max(1, round(ckpt['epoch'] / len(hist)))
            epochs = [interval * (i + 1) for i in range(len(hist))]
            ax.plot(epochs, hist, style, markersize=3, label=loader)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel('epoch', fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(args.title or os.path.basename(args.checkpoint), fontsize=10)
    fig.tight_layout()
    fig.savefig(args.out)
    print('wrote', args.out)


if __name__ == '__main__':
    main()
