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
``<workspace>/synthetic_seed24_2400_mixed/``; it trains and is judged like stage 20
(:mod:`~ltr.train_settings.fcot.fcot_tiny_mnv3_finetune_dense`, whose command it shares but for its name).

``--init_from ../pytracking/networks/fcot_tiny.pth.tar`` meant the stage-19 release, replaced since: how to get it
back is at the top of ``docs/fcot_tiny.md``.
"""
from ltr.train_settings.fcot import recipe
from ltr.train_settings.fcot.fcot_tiny_mnv3_finetune_lr1e4 import continued_from_epoch10

#: The stage: stage 19's data with seed 24, everything trainable at a fifth of stage 19's starting rates.
TINY_MNV3_FINETUNE_MORE = continued_from_epoch10(
    0.2, 24, '_seed24_2400_mixed',
    description='FCOT-tiny-mnv3 fine-tuned for 6 more epochs on 2400 fresh mixed-appearance train sequences '
                '(continued from fcot_tiny_mnv3_finetune_lr1e4 epoch 10)')


def run(settings):
    recipe.run_stage(settings, TINY_MNV3_FINETUNE_MORE)
