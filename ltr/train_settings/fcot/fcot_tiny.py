"""FCOT-tiny: the real-time CPU variant that this project trains and ships (``pytracking/networks/fcot_tiny.pth.tar``).

Same network code as the official FCOT, built with the width options of ``fcotnet`` (:data:`NET_OPTIONS`):

* backbone: ResNet-18 at half width (layer1/2/3 = 32/64/128 channels), truncated after layer3, trained from
  scratch (no ImageNet weights can be fetched here; none are needed for the synthetic domain);
* decoder 64 channels, stride-16 classification features 128, stride-4 heads with 32 inner channels, regression
  model ``(4, 32, 3, 3)``, GroupNorm with 8 groups, plain 3x3 convolutions instead of DCNv2 in the heads;
* 128-pixel crops (score maps 8x8 / 32x32), 2 train + 1 test frames per sample, batch 16, 3 steepest-descent
  iterations for the online models inside the forward (the official recipe uses 5);
* labels twice as wide as the official ones (``output_sigma_factor`` 1/2 instead of 1/4, ``label_72_sigma_factor``
  1/20 instead of 1/40; the online optimizers' initial label follows): on the 8x8 stride-16 map the official width
  is 0.4 cells, a one-cell spike. Measured after 4000 samples on held-back training sequences: the stride-16 peak
  lies within 1.5 cells of the target for 78 % of the samples with the wider labels, 25 % with the official ones.

One joint stage (:class:`~ltr.actors.fcot.FcotActor`: classifier-72, classifier-18 and the regression model
generator, weights as the official 2-stage recipe's first stage) on the ``train`` split of the synthetic dataset
(:mod:`ltr.dataset.synthetic`, generated into ``synthetic_dir`` when that folder is empty): 16 epochs of 4000
samples, Adam, learning rates x0.2 after epochs 11 and 14. Validation every 4 epochs on held-back training
sequences. Crops keep every pixel at the right/bottom edge (``crop_edge_rule='exact'``) and the sampler seed has no
stage component: the settings the first ResNet-18 releases' first stage was trained with (its second stage is
``fcot_tiny_more_data``). The regression optimizer's two scalars keep their initial values (the tracker's parameter file ``demo``
decides how many online regression iterations to run).

    cd ltr && python run_training.py fcot fcot_tiny --threads 2

The birth certificate of every release (commands, seeds, data, samples, times, machine) is ``docs/fcot_tiny.md``.
"""
from ltr.train_settings.fcot import recipe

#: Width options of the FCOT-tiny network (``fcotnet(**NET_OPTIONS)``; the tracker loads them from the checkpoint).
NET_OPTIONS = {'backbone_width': 32, 'truncate_backbone': True, 'decoder_dim': 64, 'clf72_inner_dim': 32,
               'reg_inner_dim': 32, 'reg_filter_channel': 32, 'out_feature_dim': 128, 'head_norm_groups': 8,
               'deformable_heads': False}

#: The synthetic training data (split 'train' of generator version 2; see :mod:`ltr.dataset.synthetic`).
SYNTHETIC_PARAMS = {'split': 'train', 'num_sequences': 400, 'num_frames': 60, 'size': (320, 240), 'seed': 0}

TINY = recipe.StageSpec(
    flags=(True, False, True), actor=recipe.fcot_actors.FcotActor,
    loss_weight={'test_clf_72': 100, 'test_init_clf_72': 100, 'test_iter_clf_72': 400,
                 'test_clf_18': 100, 'test_init_clf_18': 100, 'test_iter_clf_18': 400, 'reg_72': 1.0},
    param_groups=[(('classifier_72.filter_optimizer', 'classifier_18.filter_optimizer'), 5e-4),
                  (('classifier_72.filter_initializer', 'classifier_72.feature_extractor',
                    'classifier_18.filter_initializer', 'classifier_18.feature_extractor'), 1e-3),
                  ('regressor_72', 1e-3), (('pyramid_first_conv', 'pyramid_36', 'pyramid_72'), 1e-3),
                  ('feature_extractor', 1e-3)],
    total_epochs=16, milestones=[11, 14], init=None,
    defaults={'backbone': 'resnet18', 'backbone_pretrained': False, 'net_options': NET_OPTIONS, 'optim_iter': 3,
              'dataset_kind': 'synthetic', 'synthetic_params': SYNTHETIC_PARAMS, 'synthetic_val_sequences': 20,
              'output_sz': 128, 'num_train_frames': 2, 'num_test_frames': 1, 'batch_size': 16, 'num_workers': 0,
              'samples_per_epoch': 4000, 'val_samples_per_epoch': 320, 'val_epoch_interval': 4,
              'output_sigma_factor': 1 / 2, 'label_72_sigma_factor': 1 / 20,
              'crop_edge_rule': 'exact', 'sample_stream_per_stage': False,
              'norm_scale_coef': 2.0, 'seed': 0, 'description': 'FCOT-tiny (CPU real-time variant)'})


def run(settings):
    recipe.run_stage(settings, TINY)
