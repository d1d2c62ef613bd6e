"""The researcher's path: check a network file, --net, fail fast, honest analysis, debug runs that say what they do."""
import os
import subprocess
import sys

import pytest
import torch

import debug_helpers as dh
from ltr.admin.official_layout import read_official_layout
from pytracking.util_scripts.check_network import NetworkCheckError, check_network
from test_eval_running import PARAMS, TRACKER, make_dataset


@pytest.fixture(scope='module')
def official_file(tmp_path_factory):
    """A bare state_dict with the official FCOT (ResNet-50) layout, random weights."""
    from ltr.models.tracking.fcotnet import fcotnet
    torch.manual_seed(0)
    net = fcotnet(backbone_pretrained=False, num_dist_bins=100, bin_displacement=0.1, init_gauss_sigma=0.9,
                  mask_init_factor=3.0, optim_init_step=0.9, optim_init_reg=0.1)
    path = tmp_path_factory.mktemp('official') / 'fcot.pth'
    torch.save({'net': net.state_dict(), 'constructor': net.constructor, 'epoch': 70}, path)
    return path


def test_check_network_official_layout(official_file):
    lines = []
    info = check_network(str(official_file), crop=64, log=lines.append)
    assert info['official_layout'] and info['epoch'] == 70 and info['parameters'] == 42_277_524
    text = '\n'.join(lines)
    assert 'official FCOT (414 entries' in text and 'mask_init_factor = 3.0' in text and text.endswith('OK')


def test_check_network_reports_wrong_and_corrupt_files(official_file, tmp_path):
    state = torch.load(official_file, weights_only=False)['net']
    missing = dict(state)
    del missing['regressor_72.reg_head_merge.bias']
    torch.save(missing, tmp_path / 'missing.pth')
    with pytest.raises(NetworkCheckError, match=r"missing.pth' does not have the official FCOT layout: 1 missing "
                                                r"keys \(e.g. regressor_72.reg_head_merge.bias\)"):
        check_network(str(tmp_path / 'missing.pth'), log=None)
    wrong = dict(state)
    wrong['pyramid_72.res_conv.weight'] = torch.zeros(3, 3)
    torch.save(wrong, tmp_path / 'wrong.pth')
    with pytest.raises(NetworkCheckError, match=r'1 shape mismatches \(e.g. pyramid_72.res_conv.weight: official '
                                                r'\(256, 256, 1, 1\), file \(3, 3\)\)'):
        check_network(str(tmp_path / 'wrong.pth'), log=None)
    data = official_file.read_bytes()
    (tmp_path / 'cut.pth').write_bytes(data[:len(data) // 2])
    with pytest.raises(NetworkCheckError, match="cut.pth' cannot be read as a checkpoint"):
        check_network(str(tmp_path / 'cut.pth'), log=None)
    proc = subprocess.run([sys.executable, '-m', 'pytracking.util_scripts.check_network', str(tmp_path / 'cut.pth')],
                          cwd=dh.REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1 and 'cut.pth' in proc.stderr
    with pytest.raises(NetworkCheckError, match='no such file'):
        check_network(str(tmp_path / 'absent.pth'), log=None)


def test_check_network_accepts_a_width_variant(tmp_path):
    path = dh.save_tiny_checkpoint(tmp_path / 'r18.pth')
    info = check_network(path, crop=64, log=None)
    assert not info['official_layout'] and info['variant'] == {'backbone': 'resnet18'}
    assert len(read_official_layout()) == 414


def _run(args, env_extra, cwd=dh.REPO_ROOT):
    env = dict(os.environ, OMP_NUM_THREADS='1', **env_extra)
    env.pop('DISPLAY', None)
    return subprocess.run([sys.executable, '-m', 'pytracking.run_tracker'] + [str(a) for a in args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_missing_network_fails_once_before_the_first_sequence_and_net_overrides(tmp_path, pytracking_local):
    assets = tmp_path / 'assets'
    assets.mkdir()
    dh.write_param_package(assets, tmp_path / 'not_there.pth')
    data = make_dataset(str(tmp_path / 'data'))
    results = tmp_path / 'results'
    settings = pytracking_local(synthetic_path=data, results_path=str(results))
    env = {'PYTRACKING_LOCAL_FILE': str(settings),
           'PYTHONPATH': os.pathsep.join([str(assets), dh.REPO_ROOT, os.environ.get('PYTHONPATH', '')])}
    proc = _run(['fcot', dh.PARAM_MODULE, '--dataset', 'synthetic'], env)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    err = proc.stderr.strip().splitlines()
    assert len(err) == 1 and 'cannot start fcot' in err[0] and 'not_there.pth' in err[0], proc.stderr
    assert 'Traceback' not in proc.stdout + proc.stderr and 'Tracking' not in proc.stdout
    assert not results.exists()
    # --net points the same parameter file at a real network: every sequence runs
    net = dh.save_tiny_checkpoint(tmp_path / 'real.pth')
    proc = _run(['fcot', dh.PARAM_MODULE, '--dataset', 'synthetic', '--net', net], env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sorted(p.name for p in (results / 'fcot' / 'params').glob('seq_?.txt')) == ['seq_a.txt', 'seq_b.txt',
                                                                                      'seq_c.txt']


def test_debug_run_says_results_are_not_saved_and_where_panels_go(tmp_path, pytracking_local):
    data = make_dataset(str(tmp_path / 'data'))
    settings = pytracking_local(synthetic_path=data, results_path=str(tmp_path / 'results'))
    env = {'PYTRACKING_LOCAL_FILE': str(settings),
           'PYTHONPATH': os.pathsep.join([os.path.dirname(__file__), dh.REPO_ROOT])}
    proc = _run([TRACKER, PARAMS, '--dataset', 'synthetic', '--sequence', 'seq_a', '--debug', '1', '--use_visdom',
                 'false'], env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'results are not saved' in proc.stdout
    assert 'not shown anywhere' in proc.stderr and '--save_debug DIR' in proc.stderr
    assert not (tmp_path / 'results').exists()


@pytest.mark.parametrize('dataset', ['got10k_test', 'gott', 'trackingnet'])
def test_print_results_refuses_withheld_ground_truth(dataset, capsys):
    from pytracking.analysis.print_results import main
    assert main(['fcot', 'default', '--dataset', dataset]) == 2
    err = capsys.readouterr().err
    assert 'withheld' in err and 'evaluation server' in err and 'pack_' in err


@pytest.mark.parametrize('args, needle', [
    (['-m', 'ltr.run_training', 'fcot', 'no_such_stage'], "No training settings 'ltr.train_settings.fcot.no_such_stage'"),
    (['-m', 'ltr.run_training', 'fcot', 'fcot_tiny'], 'workspace_dir is empty'),
    (['-m', 'pytracking.run_tracker', 'fcot', 'no_such_param', '--dataset', 'synthetic'], None),
    (['-m', 'pytracking.run_tracker', 'fcot', 'demo', '--dataset', 'no_such_dataset'], "Unknown dataset"),
])
def test_cli_user_errors_print_one_line_and_exit_2(args, needle, tmp_path, pytracking_local):
    from test_eval_running import make_dataset
    settings = pytracking_local(synthetic_path=make_dataset(str(tmp_path / 'data')))
    env = dict(os.environ, PYTRACKING_LOCAL_FILE=str(settings), OMP_NUM_THREADS='1')
    proc = subprocess.run([sys.executable] + args, cwd=dh.REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    err = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert 'Traceback' not in proc.stderr and len(err) == 1, proc.stderr
    assert 'error:' in err[0] and (needle is None or needle in err[0]), err[0]
    if needle is None:
        assert 'no_such_param' in err[0]
