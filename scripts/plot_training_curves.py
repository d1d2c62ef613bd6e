"""Plot the per-epoch training and validation losses stored in a training checkpoint (its ``stats`` entry).

    python scripts/plot_training_curves.py CHECKPOINT OUT.png [--stats Loss/total Loss/clf_72 ...]

The trainer keeps one average per epoch for every statistic (``stats[loader][name].history``); this draws them
for the ``train`` and ``val`` loaders. A shipped model with ``stats_history`` (several training stages, see
``scripts/export_shipped_model.py``) is drawn stage after stage on one epoch axis, with a dotted line where a stage
starts. Used for ``docs/fcot_tiny_loss.png``.
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
    import numpy as np
    from ltr.admin.loading import torch_load_legacy
    ckpt = torch_load_legacy(args.checkpoint)
    history = ckpt.get('stats_history') or [{'train_settings': '', 'epochs': ckpt['epoch'],
                                             'stats': ckpt.get('stats') or {}}]
    fig, axes = plt.subplots(1, len(args.stats), figsize=(3.2 * len(args.stats), 3.0), dpi=110, squeeze=False)
    axes = axes[0]
    for ax, name in zip(axes, args.stats):
        for loader, style, colour in (('train', '-o', 'C0'), ('val', '--s', 'C1')):
            offset, labelled = 0, False
            for stage in history:
                meter = ((stage['stats'] or {}).get(loader) or {}).get(name)
                hist = list(getattr(meter, 'history', []) or [])
                if hist:
                    interval = max(1, round(stage['epochs'] / len(hist)))
                    epochs = [offset + interval * (i + 1) for i in range(len(hist))]
                    ax.plot(epochs, hist, style, color=colour, markersize=3, label=None if labelled else loader)
                    labelled = True
                offset += stage['epochs']
        for boundary in np.cumsum([stage['epochs'] for stage in history])[:-1]:
            ax.axvline(boundary + 0.5, color='0.5', linestyle=':', linewidth=1)
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
