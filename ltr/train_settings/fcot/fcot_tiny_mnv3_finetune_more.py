"""FCOT-tiny-mnv3, the shipped fine-tuned network (``fcot_tiny_mnv3_finetune_lr1e4`` epoch 10) trained on for six
more epochs of fresh data of its own kind (stage 21). Written and trained 2026-12-04 on 2 CPU cores (52 minutes);
not shipped: -1.4 +- 1.1 AO over the 96 validation sequences (``docs/fcot_tiny.md``, *Stage 21*).

Stage 19 gained most of its lead on the validation sets in its last five epochs (+0.6 AO at epoch 5, +2.75 at
epoch 10) and stage 20, which continued it at half of its starting rates on crowded data, lost ground even on the
sequences without distractors. This stage asks the plainer question: more of stage 19's own data, at a gentler
rate. Same generator parameters as stage 19 (split ``train``, mixed appearance, standard distractors, 2400 x 60)
but base seed 24 (no other stage's or evaluation set's seed), sampler seed 24; everything trainable, each Adam
group at a fifth of the rate it started stage 19 with (the rate stage 19 ran with after its first decay: backbone
2e-5, heads 4e-5, filter optimisers 2e-5), 6 epochs of 8000 samples, x0.2 after epoch 4. The data lives in
``<workspace>/synthetic_seed24_2400_mixed/``, generated on first use (5 minutes with ``--workers 2``). On 2 CPU
cores::

    cd ltr && python run_training.py fcot fcot_tiny_mnv3_finetune_more --num_workers 1 --threads 2 \\
        --init_from ../pytracking/networks/fcot_tiny.pth.tar

(without ``--init_from`` it starts from ``fcot_tiny_mnv3_finetune_lr1e4``'s ``FCOTNet_ep0010.pth.tar`` of the same
``--workspace_dir``, the same weights as the shipped file). Its last checkpoint replaces the shipped model only by the
rule that chose stage 19: a paired lead over ``synthetic_val_caer`` + ``_b`` of at least 2 SE, positive on each,
and at least 2 SE on ``synthetic_val_caer_c``; never chosen on the test sets.
"""
from dataclasses import replace

from ltr.train_settings.fcot import recipe
from ltr.train_settings.fcot.fcot_tiny_mnv3_finetune import FINETUNE_DATA_PARAMS
from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_lr1e4 as stage19   # a module: its spec is not this one's

#: The data of this stage: stage 19's generator parameters with base seed 24.
MORE_FINETUNE_DATA_PARAMS = dict(FINETUNE_DATA_PARAMS, seed=24)

#: Each Adam group's learning rate relative to the one it had at the start of stage 19.
LR_FACTOR = 0.2

_stage = recipe.continued_stage(
    stage19.TINY_MNV3_FINETUNE_LR1E4, 'fcot_tiny_mnv3_finetune_lr1e4', total_epochs=6, milestones=[4],
    synthetic_params=MORE_FINETUNE_DATA_PARAMS, synthetic_dir_suffix='_seed24_2400_mixed', seed=24,
    description='FCOT-tiny-mnv3 fine-tuned for 6 more epochs on 2400 fresh mixed-appearance train sequences '
                '(continued from fcot_tiny_mnv3_finetune_lr1e4 epoch 10)')

#: The stage: everything trainable at a fifth of stage 19's starting rates, 6 x 8000 samples, x0.2 after epoch 4.
TINY_MNV3_FINETUNE_MORE = replace(
    _stage, param_groups=[(paths, lr * LR_FACTOR) for paths, lr in stage19.TINY_MNV3_FINETUNE_LR1E4.param_groups])


def run(settings):
    recipe.run_stage(settings, TINY_MNV3_FINETUNE_MORE)
