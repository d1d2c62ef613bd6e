"""FCOT-tiny-mnv3 stage 33 (``fcot_tiny_mnv3_finetune_opencv_hard``): stage 25, the release of 2026-12-05,
continued on fresh ``train_opencv`` data (seed 49) with half of its samples drawn from the quarter of the training
sequences that the release itself tracks worst. Trained 2026-12-05/06 on 2 CPU cores (52 minutes, 40,000 samples,
after 26 minutes of mining) and not shipped: -1.92 +- 1.32 AO over the 96 validation sequences against stage 25, its
weight average with stage 25 +0.00 +- 0.93 (``docs/fcot_tiny.md``, *Stage 33*).

Every lever tried on the release so far (tracking parameters, frame counts, frame gaps, more photographs, look-alike
crowds) moved the validation AO by less than its standard error, and the release's lost frames are look-alike
confusions: the tracker is confident on something else. A sampler that draws sequences uniformly spends most samples
on sequences the release already tracks; this stage spends half of them on the ones it fails. Before training, the
release (``demo``, shipped model) tracks the first half of the data folder's sequences (1200 of 2400: the whole
folder would take about 55 minutes on 2 cores; the last 20, the stage's validation sequences, are in the other half)
and the quarter with the lowest mean IoU (300) is written to the folder's ``hard_sequences.txt``; the sampler then
draws from all 2380 training sequences and from that list with equal weight.
Otherwise stage 32's continuation: stage 25's rates and schedule shape (10 epochs, x0.2 after 7 and 9; backbone
1e-4, heads 2e-4, filter optimisers 1e-4 at the start), the tiny recipe's 2 + 1 frames and ``max_gap`` 30, 4000
samples per epoch. Generator and sampler seed 49 (no other stage's or evaluation set's).

Commands (``<ws>`` the workspace; the release's epoch-10 checkpoint is the shipped model, so the stage starts from
it with ``--init_from``)::

    python -m ltr.dataset.synthetic <ws>/synthetic_seed49_2400_mixed_opencv --split train_opencv \\
        --num_sequences 2400 --num_frames 60 --size 320 240 --seed 49 --appearance mixed --workers 2
    python -m pytracking.analysis.mine_hard_sequences <ws>/synthetic_seed49_2400_mixed_opencv --fraction 0.25 \\
        --exclude_last 1200 --threads 2
    cd ltr && python run_training.py fcot fcot_tiny_mnv3_finetune_opencv_hard --workspace_dir <ws> \\
        --init_from ../pytracking/networks/fcot_tiny.pth.tar --num_workers 1 --threads 2 --no-progress_bar

``docs/fcot_tiny.md`` (*Stage 33*) gives them as they ran, with the adoption rule written before the stage trained.
"""
from dataclasses import replace

from ltr.train_settings.fcot import recipe
# the module, not its StageSpec: a stage module's namespace holds its own stages only (the tests read them there)
from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_long as stage24
from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_more as stage25

#: Generator and sampler seed.
SEED = 49
#: The mined list's file name in the data folder (``mine_hard_sequences``'s default) and the share of the mined
#: sequences it lists.
HARD_LIST, HARD_FRACTION = 'hard_sequences.txt', 0.25
#: Sampling weight of the listed sequences against all training sequences' 1: half of the samples.
HARD_WEIGHT = 1.0


def _hard_half(stage: recipe.StageSpec) -> recipe.StageSpec:
    """``stage`` with the mined list drawn at ``HARD_WEIGHT``, 4000 samples per epoch and this stage's description."""
    return replace(stage, defaults=dict(
        stage.defaults, synthetic_hard_list=HARD_LIST, synthetic_hard_weight=HARD_WEIGHT, samples_per_epoch=4000,
        description='FCOT-tiny-mnv3 fine-tuned for 10 more epochs (x0.2 after 7 and 9) at stage 19\'s starting rates '
                    'on fresh train_opencv data (seed 49), half of the samples from the quarter of its training '
                    'sequences that the release tracks worst, continued from fcot_tiny_mnv3_finetune_opencv_more '
                    'epoch 10'))


#: The stage: stage 25's rates and schedule shape from its epoch 10, fresh train_opencv data with seed 49, half of
#: the samples from the mined hardest quarter, 4000 samples per epoch.
TINY_MNV3_FINETUNE_OPENCV_HARD = _hard_half(stage24.fresh_opencv_continuation(
    stage25.TINY_MNV3_FINETUNE_OPENCV_MORE, 'fcot_tiny_mnv3_finetune_opencv_more', seed=SEED))


def run(settings):
    recipe.run_stage(settings, TINY_MNV3_FINETUNE_OPENCV_HARD)
