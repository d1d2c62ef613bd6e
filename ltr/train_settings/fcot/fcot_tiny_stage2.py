"""FCOT-tiny, stage 2: a longer schedule, continued from ``fcot_tiny`` epoch 16 (tried; not the shipped model).

Every training loss of ``fcot_tiny`` was still falling at its last epoch (``docs/fcot_tiny_loss.png``), and its
learning rate had already been cut to 0.04x. This stage keeps everything of :data:`fcot_tiny.TINY` (network, data,
losses, crops, labels, batch) and trains 12 more epochs of 4000 samples, starting from the learning rates that
``fcot_tiny`` used after its first milestone (0.2x), cut by 0.2 after epochs 8 and 11. The Adam state is not
carried over (as between the official stages); the sampler mixes the stage name into its seed, so this stage sees
samples that ``fcot_tiny`` did not.

    cd ltr && python run_training.py fcot fcot_tiny --threads 2          # stage 1, 16 epochs
    cd ltr && python run_training.py fcot fcot_tiny_stage2 --threads 2   # this stage, same --workspace_dir

Measured (``docs/fcot_tiny.md``, "An earlier second stage on the same data"): validation AO 44.3 -> 45.8,
held-out test AO 37.6 -> 36.6, validation classification losses rising while the training losses fall; not shipped.
The shipped second stage is ``fcot_tiny_more_data`` (the same schedule on 1600 fresh sequences).
"""
import dataclasses

from ltr.train_settings.fcot import recipe
from ltr.train_settings.fcot.fcot_tiny import TINY

#: Stage 2 of FCOT-tiny: TINY's learning rates x0.2, 12 epochs, x0.2 after epochs 8 and 11.
TINY_STAGE2 = dataclasses.replace(
    TINY, param_groups=[(paths, lr * 0.2) for paths, lr in TINY.param_groups], total_epochs=12, milestones=[8, 11],
    init='previous', previous_stage=('fcot_tiny', 16),
    defaults=dict(TINY.defaults, sample_stream_per_stage=True,
                  description='FCOT-tiny stage 2 (longer schedule, continued from fcot_tiny epoch 16)'))


def run(settings):
    recipe.run_stage(settings, TINY_STAGE2)
