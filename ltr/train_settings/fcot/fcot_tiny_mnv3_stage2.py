"""FCOT-tiny-mnv3, second stage: ``fcot_tiny_mnv3`` (fresh heads on the frozen COCO-trained MobileNetV3) continued
on other data, because its heads had seen 40,000 samples when its first stage ended, with the training loss still
falling (8.13, 7.99, 7.76 over the last three epochs) and its validation AO already above the shipped model's on
both unseen-photograph sets (+1.85 +- 1.69 over 96 sequences, short of the 2-SE rule).

Same network, losses, crops and learning rates; the data of ``fcot_tiny_crop96`` (split ``train``, 1600 sequences,
seed 15, photograph shapes with mixed appearance; the first stage had the stamps split), 10 epochs of 4000 samples,
x0.2 after epochs 7 and 9, sampler seed 17::

    cd ltr && python run_training.py fcot fcot_tiny_mnv3_stage2 --threads 2

(it starts from ``fcot_tiny_mnv3``'s ``FCOTNet_ep0010.pth.tar`` of the same ``--workspace_dir``, or ``--init_from``).
"""
from dataclasses import replace

from ltr.train_settings.fcot import recipe
from ltr.train_settings.fcot.fcot_tiny import SYNTHETIC_PARAMS
from ltr.train_settings.fcot.fcot_tiny_mnv3 import TINY_MNV3

#: The data of this stage: split 'train', 1600 sequences x 60 frames, seed 15, mixed appearance.
MNV3_STAGE2_DATA_PARAMS = dict(SYNTHETIC_PARAMS, num_sequences=1600, seed=15, appearance='mixed')

#: Second stage: 10 x 4000 samples, x0.2 after epochs 7 and 9, from ``fcot_tiny_mnv3`` epoch 10.
TINY_MNV3_STAGE2 = replace(recipe.continued_stage(
    TINY_MNV3, 'fcot_tiny_mnv3', total_epochs=10, milestones=[7, 9], synthetic_params=MNV3_STAGE2_DATA_PARAMS,
    synthetic_dir_suffix='_seed15_1600_mixed', seed=17,
    description='FCOT-tiny-mnv3 second stage on 1600 mixed-appearance sequences of the train split (continued from '
                'fcot_tiny_mnv3 epoch 10)'), init='previous')


def run(settings):
    recipe.run_stage(settings, TINY_MNV3_STAGE2)
