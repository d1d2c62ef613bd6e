"""FCOT-tiny-mnv3, third stage: the shipped ``fcot_tiny_mnv3_stage2`` continued on fresh data, because every loss,
training and validation, was still falling when it ended (training total 7.13, 7.00, 6.88 over its last three
epochs; validation 8.52 -> 7.80), and its second 40,000 samples gained 6.5 +- 1.5 AO over its first on the 96
unseen-photograph validation sequences.

Same network (frozen MobileNetV3, trained heads), losses, crops and learning rates; new data of the kind stage 1
had: split ``train_stamps`` (whole-object cutouts and photograph shapes), mixed appearance, 1600 sequences, **seed
18** (no other stage's or validation set's seed), generated on first use into ``<workspace>/synthetic_seed18_1600_
mixed_stamps/``; 10 epochs of 4000 samples, x0.2 after epochs 7 and 9, sampler seed 18::

    cd ltr && python run_training.py fcot fcot_tiny_mnv3_stage3 --threads 2

(it starts from ``fcot_tiny_mnv3_stage2``'s ``FCOTNet_ep0010.pth.tar`` of the same ``--workspace_dir``, or
``--init_from``, e.g. the stage-16 release ``git show 2bee85d:pytracking/networks/fcot_tiny.pth.tar``; the shipped
file is the fine-tuned stage 19 since 2026-12-04).
"""
from dataclasses import replace

from ltr.train_settings.fcot import recipe
from ltr.train_settings.fcot.fcot_tiny_mnv3_stage2 import TINY_MNV3_STAGE2
from ltr.train_settings.fcot.fcot_tiny_stamps import STAMPS_DATA_PARAMS

#: The data of this stage: split 'train_stamps', 1600 sequences x 60 frames, seed 18, mixed appearance.
MNV3_STAGE3_DATA_PARAMS = dict(STAMPS_DATA_PARAMS, num_sequences=1600, seed=18)

#: Third stage: 10 x 4000 samples, x0.2 after epochs 7 and 9, from ``fcot_tiny_mnv3_stage2`` epoch 10.
TINY_MNV3_STAGE3 = replace(recipe.continued_stage(
    TINY_MNV3_STAGE2, 'fcot_tiny_mnv3_stage2', total_epochs=10, milestones=[7, 9],
    synthetic_params=MNV3_STAGE3_DATA_PARAMS, synthetic_dir_suffix='_seed18_1600_mixed_stamps', seed=18,
    description='FCOT-tiny-mnv3 third stage on 1600 fresh train_stamps sequences, mixed appearance (continued from '
                'fcot_tiny_mnv3_stage2 epoch 10)'), init='previous')


def run(settings):
    recipe.run_stage(settings, TINY_MNV3_STAGE3)
