"""Tiny FCOT for CPU smoke training on the synthetic dataset (``env.synthetic_dir``, generated when empty).

ResNet-18 backbone (ImageNet weights only if the file is present locally), 96-pixel crops (score maps 6x6 / 24x24, labels 7x7 / 25x25),
2 train + 1 test frames, batch 4, 16 samples per epoch, 3 epochs, joint stage (all modules trained,
:class:`~ltr.actors.fcot.FcotActor`). Validation every epoch on the last synthetic sequence.
"""
from ltr.train_settings.fcot import recipe

TINY = recipe.StageSpec(
    flags=(True, False, True), actor=recipe.fcot_actors.FcotActor,
    loss_weight={'test_clf_72': 100, 'test_init_clf_72': 100, 'test_iter_clf_72': 400,
                 'test_clf_18': 100, 'test_init_clf_18': 100, 'test_iter_clf_18': 400, 'reg_72': 1.0},
    param_groups=[(('classifier_72', 'classifier_18'), 2e-4), ('regressor_72', 5e-4),
                  (('pyramid_first_conv', 'pyramid_36', 'pyramid_72'), 5e-4), ('feature_extractor', 2e-4)],
    total_epochs=3, milestones=[2], init=None,
    defaults={'backbone': 'resnet18', 'backbone_pretrained': False, 'dataset_kind': 'synthetic',
              'output_sz': 96, 'num_train_frames': 2, 'num_test_frames': 1, 'batch_size': 4, 'num_workers': 0,
              'samples_per_epoch': 16, 'val_samples_per_epoch': 4, 'val_epoch_interval': 1,
              'synthetic_val_sequences': 1, 'norm_scale_coef': 2.0, 'description': 'FCOT tiny (CPU smoke run)'})


def imagenet_weights_present(name='resnet18'):
    """True if torchvision's ImageNet file for ``name`` is in one of the local search folders."""
    from ltr.admin.pretrained import imagenet_weights_search_dirs, imagenet_weights_url
    file_name = imagenet_weights_url(name).rsplit('/', 1)[-1]
    return any((d / file_name).is_file() for d in imagenet_weights_search_dirs())


def run(settings):
    spec = TINY
    if 'backbone_pretrained' not in (getattr(settings, 'overrides', None) or {}):
        spec = recipe.StageSpec(**dict(vars(TINY), defaults=dict(TINY.defaults,
                                                                  backbone_pretrained=imagenet_weights_present())))
    recipe.run_stage(settings, spec)
