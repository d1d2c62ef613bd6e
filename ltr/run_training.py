"""Train a network: ``python run_training.py <train_module> <train_name> [options]`` (from ``ltr/``) or
``python -m ltr.run_training ...`` (from the repository root); under ``torchrun`` for DDP.

Imports ``ltr.train_settings.<train_module>.<train_name>`` and calls its ``run(settings)``. Options given on the
command line override the values of the settings file (they are stored in ``settings.overrides``).
"""
import argparse
import importlib
import multiprocessing
import os
import sys

_REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

__all__ = ['build_parser', 'overrides_from_args', 'run_training', 'main', 'UnknownTrainSettingsError']


class UnknownTrainSettingsError(ValueError):
    """No training settings file of that module/name."""


#: CLI option -> settings attribute (options left at None are not applied).
_OVERRIDE_OPTIONS = ('batch_size', 'num_workers', 'total_epochs', 'samples_per_epoch', 'devices', 'amp', 'seed',
                     'cudnn_benchmark', 'init_from', 'lasot_rate', 'norm_scale_coef', 'fail_safe', 'use_tensorboard',
                     'progress_bar', 'output_sz', 'val_epoch_interval', 'threads')


def build_parser():
    p = argparse.ArgumentParser(description='Run a training settings file of ltr/train_settings/.')
    p.add_argument('train_module', type=str, help='Sub-package of ltr/train_settings/ (e.g. fcot).')
    p.add_argument('train_name', type=str, help='Module in it defining run(settings) (e.g. fcot_stage1).')
    p.add_argument('--workspace_dir', type=str, default=None,
                   help='Overrides workspace_dir of the ltr local settings (checkpoints, tensorboard).')
    p.add_argument('--batch_size', type=int, default=None, help='Global batch size (split over DDP ranks).')
    p.add_argument('--num_workers', type=int, default=None, help='Data loader workers per process.')
    p.add_argument('--total_epochs', type=int, default=None)
    p.add_argument('--samples_per_epoch', type=int, default=None, help='Global samples per epoch.')
    p.add_argument('--devices', type=int, nargs='+', default=None,
                   help='GPU ids for single-process DataParallel (ignored under torchrun).')
    p.add_argument('--amp', action=argparse.BooleanOptionalAction, default=None,
                   help='Mixed precision (CUDA only; default off: fp32 as the official training).')
    p.add_argument('--seed', type=int, default=None, help='Base seed of the data sampler and torch.')
    p.add_argument('--cudnn_benchmark', action=argparse.BooleanOptionalAction, default=None)
    p.add_argument('--init_from', type=str, default=None,
                   help='Previous-stage checkpoint or dimp50.pth (default: found in the workspace).')
    p.add_argument('--lasot_rate', type=float, default=None)
    p.add_argument('--norm_scale_coef', type=float, default=None)
    p.add_argument('--output_sz', type=int, default=None, help='Crop size (multiple of 16).')
    p.add_argument('--val_epoch_interval', type=int, default=None)
    p.add_argument('--threads', type=int, default=None, help='torch CPU threads (default: torch decides).')
    p.add_argument('--fail_safe', action=argparse.BooleanOptionalAction, default=None,
                   help='Restart from the newest checkpoint after a crash (up to 10 times).')
    p.add_argument('--use_tensorboard', action=argparse.BooleanOptionalAction, default=None)
    p.add_argument('--progress_bar', action=argparse.BooleanOptionalAction, default=None)
    return p


def overrides_from_args(args):
    """The settings overrides given on the command line (options left at None are omitted)."""
    return {k: getattr(args, k) for k in _OVERRIDE_OPTIONS if getattr(args, k) is not None}


def make_settings(train_module, train_name, workspace_dir=None, overrides=None):
    """A :class:`ltr.admin.settings.Settings` with module/script names, project path and overrides."""
    from ltr.admin.settings import Settings
    settings = Settings()
    settings.module_name = train_module
    settings.script_name = train_name
    settings.project_path = 'ltr/{}/{}'.format(train_module, train_name)
    if workspace_dir:
        ws = os.path.abspath(os.path.expanduser(workspace_dir))
        settings.env.workspace_dir = ws
        settings.env.tensorboard_dir = os.path.join(ws, 'tensorboard') + '/'
        settings.env.pretrained_networks = os.path.join(ws, 'pretrained_networks') + '/'
        if not getattr(settings.env, 'synthetic_dir', ''):
            settings.env.synthetic_dir = os.path.join(ws, 'synthetic') + '/'
    settings.overrides = dict(overrides or {})
    return settings


def run_training(train_module, train_name, workspace_dir=None, overrides=None):
    """Import ``ltr.train_settings.<train_module>.<train_name>`` and call its ``run(settings)``."""
    try:
        import cv2
        cv2.setNumThreads(0)
    except ImportError:
        pass
    if (os.environ.get('RANK', '0') == '0'):
        print('Training:  {}  {}'.format(train_module, train_name))
    settings = make_settings(train_module, train_name, workspace_dir, overrides)
    module_name = 'ltr.train_settings.{}.{}'.format(train_module, train_name)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name and module_name.startswith(e.name):
            raise UnknownTrainSettingsError("No training settings '{}': expected the file ltr/train_settings/{}/{}.py"
                                            .format(module_name, train_module, train_name)) from e
        raise
    if not hasattr(module, 'run'):
        raise AttributeError('{} defines no run(settings)'.format(module_name))
    module.run(settings)
    return settings


def main(argv=None):
    """CLI entry point. User errors (unknown settings file, a missing or wrong setting) print one line and exit
    with status 2; other errors keep their traceback."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from ltr.admin.cli import run_command
    from ltr.admin.local_settings import SettingsError
    return run_command(parser.prog, lambda: run_training(args.train_module, args.train_name, args.workspace_dir,
                                                         overrides_from_args(args)),
                       (UnknownTrainSettingsError, SettingsError))


if __name__ == '__main__':
    multiprocessing.set_start_method('spawn', force=True)
    sys.exit(main())
