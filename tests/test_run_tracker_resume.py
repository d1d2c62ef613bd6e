"""run_tracker.py with the real FCOT tracker: kill the process mid-dataset, rerun, compare with an uninterrupted run."""
import os
import signal
import subprocess
import sys
import time

import numpy as np

import debug_helpers as dh
from ltr.dataset.synthetic import ensure_synthetic_dataset


def _cli(args, env):
    return [sys.executable, os.path.join(dh.REPO_ROOT, 'pytracking', 'run_tracker.py')] + [str(a) for a in args]


def _env(assets, settings_file):
    env = dict(os.environ, PYTRACKING_LOCAL_FILE=str(settings_file), OMP_NUM_THREADS='2',
               PYTHONPATH=os.pathsep.join([str(assets), dh.REPO_ROOT, os.environ.get('PYTHONPATH', '')]))
    env.pop('DISPLAY', None)
    return env


def test_kill_mid_run_then_rerun_equals_uninterrupted(tmp_path, pytracking_local):
    assets = tmp_path / 'assets'
    assets.mkdir()
    dh.write_param_package(assets, dh.save_tiny_checkpoint(assets / 'net.pth'))
    data = ensure_synthetic_dataset(tmp_path / 'synthetic', num_sequences=3, num_frames=6, size=(160, 120), seed=3)
    args = ['fcot', dh.PARAM_MODULE, '--dataset', 'synthetic']
    names = sorted(n for n in os.listdir(data) if os.path.isdir(os.path.join(data, n)))
    results = {}
    for run in ('reference', 'killed'):
        settings = pytracking_local(synthetic_path=data, results_path=str(tmp_path / run))
        results[run] = tmp_path / run / 'fcot' / 'params'
        env = _env(assets, settings)
        if run == 'killed':
            proc = subprocess.Popen(_cli(args, env), cwd=dh.REPO_ROOT, env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, start_new_session=True)
            first = results[run] / (names[0] + '.txt')
            deadline = time.time() + 300
            while not first.exists() and proc.poll() is None and time.time() < deadline:
                time.sleep(0.05)
            assert first.exists(), 'the first sequence never finished'
            os.killpg(proc.pid, signal.SIGKILL)               # mid-run: sequence 2 is being tracked
            proc.wait()
            done_before = sorted(p.name for p in results[run].glob('*.txt') if not p.name.endswith('_time.txt'))
            assert len(done_before) < len(names), 'the run finished before it could be killed'
            assert not list(results[run].glob('*.tmp*')), 'a partial (temporary) result file was left behind'
        res = subprocess.run(_cli(args, env), cwd=dh.REPO_ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert res.returncode == 0, res.stdout + res.stderr
        if run == 'killed':
            assert 'Skipping' in res.stdout                    # the finished sequence is not recomputed
    for name in names:
        ref = np.loadtxt(results['reference'] / (name + '.txt'), delimiter='\t')
        got = np.loadtxt(results['killed'] / (name + '.txt'), delimiter='\t')
        assert ref.shape == (6, 4)
        np.testing.assert_array_equal(got, ref)
