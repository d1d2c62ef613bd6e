"""FCOT-tiny-mnv3 stage 32 (``fcot_tiny_mnv3_finetune_opencv_gap``): stage 25, the release of 2026-12-05,
continued with training frames drawn across whole sequences (``max_gap`` 60 instead of the recipe's 30) on stage 31's
data folder (``train_opencv``, generator seed 45) with a sampler seed of its own (47). Trained 2026-12-05 on 2 CPU
cores (28 minutes, 40,000 samples) and not shipped: -0.22 +- 1.31 AO over the 96 validation sequences against stage
25, its weight average with stage 25 -0.10 +- 1.02 (``docs/fcot_tiny.md``, *Stage 32*).

The tracker learns its classifiers on the first frame and keeps about 0.8 of their weight on it for the 100 frames
of a validation sequence, so it scores frame 99 with a filter learnt up to 98 frames earlier; the sampler of every
FCOT-tiny stage draws a sample's train frames within 30 frames before its base frame and its test frame within 30
after, so the network has never been trained on gaps much beyond 30 frames. With ``max_gap`` 60 the frames of a
sample come from anywhere in the 60-frame training sequences. Otherwise this is stage 31's continuation with the tiny
recipe's 2 + 1 frames: stage 25's rates and schedule shape (10 epochs, x0.2 after epochs 7 and 9; backbone 1e-4,
heads 2e-4, filter optimisers 1e-4 at the start), 4000 samples per epoch. The training command is stage 31's with
this stage's name (its data folder is stage 31's); ``docs/fcot_tiny.md`` (*Stage 32*) gives it as it ran.
"""
from dataclasses import replace

from ltr.train_settings.fcot import recipe
# the module, not its StageSpec: a stage module's namespace holds its own stages only (the tests read them there)
from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_frames as stage31
from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_more as stage25

#: Largest frame gap between a sample's base frame and its other frames: the whole of a 60-frame training sequence.
MAX_GAP = 60

#: Sampler seed (the data are stage 31's, generator seed 45).
SAMPLER_SEED = 47


def _whole_sequence_gaps(stage: recipe.StageSpec) -> recipe.StageSpec:
    """``stage`` (stage 31) with stage 25's frame counts, ``MAX_GAP``, ``SAMPLER_SEED`` and this stage's
    description."""
    base = stage25.TINY_MNV3_FINETUNE_OPENCV_MORE.defaults
    return replace(stage, defaults=dict(
        stage.defaults, num_train_frames=base['num_train_frames'], num_test_frames=base['num_test_frames'],
        max_gap=MAX_GAP, seed=SAMPLER_SEED,
        description='FCOT-tiny-mnv3 fine-tuned for 10 more epochs (x0.2 after 7 and 9) at stage 19\'s starting rates '
                    'on stage 31\'s train_opencv data (seed 45) with frame gaps up to 60 (sampler seed 47), continued '
                    'from fcot_tiny_mnv3_finetune_opencv_more epoch 10'))


#: The stage: stage 31's continuation of stage 25 (data, rates, schedule, 4000 samples per epoch) with 2 + 1 frames
#: per sample drawn up to 60 frames apart.
TINY_MNV3_FINETUNE_OPENCV_GAP = _whole_sequence_gaps(stage31.TINY_MNV3_FINETUNE_OPENCV_FRAMES)


def run(settings):
    recipe.run_stage(settings, TINY_MNV3_FINETUNE_OPENCV_GAP)
