"""FCOT-tiny-mnv3 stage 26 (``fcot_tiny_mnv3_finetune_opencv_further``): stage 25, the release of 2026-12-05,
continued for the same schedule again on a fresh ``train_opencv`` data folder (seed 29). Trained 2026-12-05 on 2 CPU
cores (90 minutes, 80,000 samples) and not shipped: -1.0 +- 1.3 AO over the 96 validation sequences against stage 25
(``docs/fcot_tiny.md``, *Stage 26*).

Stages 24 and 25 each trained 10 epochs of 8000 samples at stage 19's starting rates on 2400 new ``train_opencv``
sequences, and each added about 3 AO over the 96 validation sequences, with the training loss still falling at the
last epoch (``docs/fcot_tiny.md``, *Stage 25*). This stage takes stage 25's final epoch on for that schedule once more
(x0.2 after epochs 7 and 9; backbone 1e-4, heads 2e-4, filter optimisers 1e-4 at the start) over 2400 new sequences of
the same split and generator, with generator and sampler seed 29 (no other stage's or evaluation set's seed)::

    apt-get install opencv-doc libturbojpeg0
    python -m ltr.dataset.synthetic <workspace>/synthetic_seed29_2400_mixed_opencv --split train_opencv \\
        --num_sequences 2400 --num_frames 60 --size 320 240 --seed 29 --appearance mixed --workers 2
    cd ltr && python run_training.py fcot fcot_tiny_mnv3_finetune_opencv_further --workspace_dir <workspace> \\
        --num_workers 1 --threads 2 --no-progress_bar

with stage 25's checkpoints under the same ``<workspace>`` (or ``--init_from`` its ``FCOTNet_ep0010.pth.tar``, or the
stage-25 release, ``git show d709869:pytracking/networks/fcot_tiny.pth.tar``).
"""
from ltr.train_settings.fcot import recipe
# the module, not its StageSpec: a stage module's namespace holds its own stages only (the tests read them there)
from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_long as stage24
from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_more as stage25

#: The stage: stage 25's schedule and rates from its epoch 10, on fresh train_opencv data with seed 29.
TINY_MNV3_FINETUNE_OPENCV_FURTHER = stage24.fresh_opencv_continuation(
    stage25.TINY_MNV3_FINETUNE_OPENCV_MORE, 'fcot_tiny_mnv3_finetune_opencv_more', seed=29)


def run(settings):
    recipe.run_stage(settings, TINY_MNV3_FINETUNE_OPENCV_FURTHER)
