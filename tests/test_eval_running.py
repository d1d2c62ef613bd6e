"""The tracking runner: Tracker, result files, skipping/redoing, failures, threads and the CLI.

The scripted tracker is ``tests/eval_dummy`` (see its docstring), found through the fully qualified module
names that ``Tracker`` accepts. Data: a tiny synthetic dataset in GOT-10k layout (64x48 JPEG frames).
"""
import argparse
import os
import subprocess
import sys

import cv2
import numpy as np
import pytest

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(TESTS_DIR)
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)

from eval_dummy.dummytracker import FAIL_WIDTH, expected_box  # noqa: E402
from pytracking.evaluation import Tracker, get_dataset, run_dataset, trackerlist  # noqa: E402
from pytracking.evaluation.results_io import (load_result_boxes, load_result_times,  # noqa: E402
                                              result_file_paths, results_complete)
from pytracking.run_tracker import build_parser, str2bool  # noqa: E402

TRACKER = 'eval_dummy.dummytracker'
PARAMS = 'eval_dummy.dummyparams'
INIT_BOXES = {'seq_a': [2, 3, 20, 10], 'seq_b': [5.5, 1.25, 8, 9], 'seq_c': [1, 1, 30, 20]}
NUM_FRAMES = {'seq_a': 5, 'seq_b': 4, 'seq_c': 3}


def make_dataset(root, init_boxes=INIT_BOXES, num_frames=NUM_FRAMES):
    """A GOT-10k-layout folder with list.txt, groundtruth.txt and 64x48 JPEG frames."""
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, 'list.txt'), 'w') as f:
        f.write(''.join(name + '\n' for name in init_boxes))
    rng = np.random.default_rng(0)
    for name, box in init_boxes.items():
        seq_dir = os.path.join(root, name)
        os.makedirs(seq_dir)
        with open(os.path.join(seq_dir, 'groundtruth.txt'), 'w') as f:
            for _ in range(num_frames[name]):
                f.write(','.join(str(v) for v in box) + '\n')
        for i in range(1, num_frames[name] + 1):
            cv2.imwrite(os.path.join(seq_dir, '{:08d}.jpg'.format(i)), rng.integers(0, 255, (48, 64, 3), np.uint8))
    return root


@pytest.fixture
def synthetic(tmp_path, pytracking_local):
    """(dataset root, results root, settings file) with the synthetic dataset configured."""
    data = make_dataset(str(tmp_path / 'data'))
    results = str(tmp_path / 'results')
    settings = pytracking_local(synthetic_path=data, results_path=results)
    return data, results, settings


def expected_rows(name):
    return [expected_box(INIT_BOXES[name], k) for k in range(NUM_FRAMES[name])]


# ----------------------------------------------------------------------------------------------- Tracker
def test_tracker_results_dir_and_lookup(synthetic):
    _, results, _ = synthetic
    assert Tracker('fcot', 'fcot_otb').results_dir == os.path.join(results, 'fcot', 'fcot_otb')
    assert Tracker('fcot', 'fcot_otb', 1).results_dir == os.path.join(results, 'fcot', 'fcot_otb_001')
    assert [t.run_id for t in trackerlist('fcot', 'fcot_otb', range(3))] == [0, 1, 2]
    with pytest.raises(TypeError, match='run_id'):
        Tracker('fcot', 'fcot_otb', 'id1')

    tracker = Tracker(TRACKER, PARAMS, 7)
    assert (tracker.name, tracker.parameter_name) == ('dummytracker', 'dummyparams')
    assert tracker.results_dir == os.path.join(results, 'dummytracker', 'dummyparams_007')
    p1, p2 = tracker.get_parameters(), tracker.get_parameters()
    assert p1 is not p2  # fresh parameters each time, no pickle cache

    with pytest.raises(ModuleNotFoundError, match='nosuchtracker'):
        Tracker('nosuchtracker', 'default').get_tracker_class()


def test_run_sequence_output_dict(synthetic):
    seq = get_dataset('synthetic')['seq_a']
    output = Tracker(TRACKER, PARAMS).run_sequence(seq, debug=0)
    assert output['target_bbox'] == expected_rows('seq_a')
    assert len(output['time']) == 5 and all(t >= 0 for t in output['time'])
    assert 'score_map' not in output and 'some_debug_value' not in output  # extra outputs tolerated, not kept
    assert output['image_shape'] == (48, 64)
    assert output['object_presence_score_threshold'] == 0.5


# ----------------------------------------------------------------------------------------------- result files
def test_float_results_and_skip_complete(synthetic, capsys):
    _, results, _ = synthetic
    dataset = get_dataset('synthetic')
    tracker = Tracker(TRACKER, PARAMS)
    summary = run_dataset(dataset, [tracker])
    assert summary.ok and len(summary.done) == 3 and not summary.skipped
    out = capsys.readouterr().out
    assert 'FPS' in out and 'seq_b' in out

    box_path, time_path = result_file_paths(tracker.results_dir, 'seq_b')
    assert box_path == os.path.join(results, 'dummytracker', 'dummyparams', 'seq_b.txt')
    lines = open(box_path).read().splitlines()
    assert lines[0] == '5.500000\t1.250000\t8.000000\t9.000000'
    np.testing.assert_allclose(load_result_boxes(box_path), expected_rows('seq_b'), atol=1e-6)
    assert load_result_times(time_path).shape == (4,)
    assert not [f for f in os.listdir(tracker.results_dir) if '.tmp' in f]

    mtime = os.stat(box_path).st_mtime_ns
    summary = run_dataset(dataset, [tracker])
    assert len(summary.skipped) == 3 and not summary.done
    assert os.stat(box_path).st_mtime_ns == mtime


def test_int_results_truncate(synthetic):
    dataset = get_dataset('synthetic')
    tracker = Tracker(TRACKER, PARAMS, 0)
    assert run_dataset(dataset[['seq_a']], [tracker], int_results=True).ok
    lines = open(result_file_paths(tracker.results_dir, 'seq_a')[0]).read().splitlines()
    # frame 2: x = 2 - 3.5 = -1.5 -> -1 (truncation towards zero), y = 3 + 1 = 4, w = 20.3 -> 20
    assert lines[0] == '2\t3\t20\t10'
    assert lines[2] == '-1\t4\t20\t10'
    expected = np.array(expected_rows('seq_a')).astype(int)
    np.testing.assert_array_equal(load_result_boxes(result_file_paths(tracker.results_dir, 'seq_a')[0]), expected)


def test_partial_results_are_redone(synthetic, tmp_path, pytracking_local):
    data, _, _ = synthetic
    dataset = get_dataset('synthetic')
    tracker = Tracker(TRACKER, PARAMS)
    run_dataset(dataset, [tracker])
    reference = {n: open(result_file_paths(tracker.results_dir, n)[0]).read() for n in NUM_FRAMES}

    # fresh results folder: seq_a truncated box file (interrupted run), seq_b box file without time file
    pytracking_local(synthetic_path=data, results_path=str(tmp_path / 'results2'))
    tracker2 = Tracker(TRACKER, PARAMS)
    os.makedirs(tracker2.results_dir)
    box_a, time_a = result_file_paths(tracker2.results_dir, 'seq_a')
    with open(box_a, 'w') as f:
        f.write(''.join(reference['seq_a'].splitlines(keepends=True)[:2]))
    with open(time_a, 'w') as f:
        f.write('0.1\n0.1\n')
    with open(result_file_paths(tracker2.results_dir, 'seq_b')[0], 'w') as f:
        f.write(reference['seq_b'])
    assert not results_complete(tracker2, dataset['seq_a']) and not results_complete(tracker2, dataset['seq_b'])

    summary = run_dataset(dataset, [tracker2])
    assert sorted(r.sequence for r in summary.done if r.redone) == ['seq_a', 'seq_b']
    for name in NUM_FRAMES:
        assert open(result_file_paths(tracker2.results_dir, name)[0]).read() == reference[name]
        assert results_complete(tracker2, dataset[name])


def test_failing_sequence_is_reported_and_others_complete(tmp_path, pytracking_local, capsys):
    boxes = dict(INIT_BOXES, seq_b=[5, 5, FAIL_WIDTH, 9])
    data = make_dataset(str(tmp_path / 'data'), init_boxes=boxes)
    pytracking_local(synthetic_path=data, results_path=str(tmp_path / 'results'))
    tracker = Tracker(TRACKER, PARAMS)
    summary = run_dataset(get_dataset('synthetic'), [tracker])
    assert [r.sequence for r in summary.failed] == ['seq_b']
    assert 'scripted failure' in summary.failed[0].error and 'Traceback' in summary.failed[0].error
    assert sorted(r.sequence for r in summary.done) == ['seq_a', 'seq_c']
    assert not os.path.exists(result_file_paths(tracker.results_dir, 'seq_b')[0])
    out = capsys.readouterr().out
    assert 'FAILED' in out and 'Failed sequence runs' in out and 'scripted failure' in out
    with pytest.raises(RuntimeError, match='seq_b'):
        summary.raise_if_failed()


def test_threads_match_sequential(synthetic, tmp_path, pytracking_local):
    data, _, _ = synthetic
    dataset = get_dataset('synthetic')
    sequential = Tracker(TRACKER, PARAMS, 1)
    threaded = Tracker(TRACKER, PARAMS, 2)
    assert run_dataset(dataset, [sequential]).ok
    summary = run_dataset(dataset, [threaded], threads=2)
    assert summary.ok and len(summary.done) == 3
    for name in NUM_FRAMES:
        a = open(result_file_paths(sequential.results_dir, name)[0]).read()
        assert open(result_file_paths(threaded.results_dir, name)[0]).read() == a


# ----------------------------------------------------------------------------------------------- CLI
def test_str2bool_and_parser():
    for text in ('true', 'True', '1', 'yes', 'YES'):
        assert str2bool(text) is True
    for text in ('false', 'False', '0', 'no'):
        assert str2bool(text) is False
    with pytest.raises(argparse.ArgumentTypeError):
        str2bool('maybe')
    parser = build_parser()
    args = parser.parse_args(['fcot', 'fcot_otb', '--use_visdom', 'False', '--dataset', 'gott', '--runid', '3'])
    assert args.use_visdom is False and args.dataset_name == 'gott' and args.runid == 3
    assert parser.parse_args(['fcot', 'p']).use_visdom is True
    with pytest.raises(SystemExit):
        parser.parse_args(['fcot', 'p', '--use_visdom', 'nope'])


def _run_cli(args, settings_file, module=False):
    env = dict(os.environ, PYTRACKING_LOCAL_FILE=str(settings_file),
               PYTHONPATH=os.pathsep.join([TESTS_DIR, os.environ.get('PYTHONPATH', '')]))
    if module:
        cmd = [sys.executable, '-m', 'pytracking.run_tracker'] + args
        cwd = REPO_ROOT
    else:
        cmd = [sys.executable, 'run_tracker.py'] + args
        cwd = os.path.join(REPO_ROOT, 'pytracking')
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_cli_failure_exit_code_and_int_results(tmp_path, pytracking_local):
    boxes = dict(INIT_BOXES, seq_c=[1, 1, FAIL_WIDTH, 20])
    data = make_dataset(str(tmp_path / 'data'), init_boxes=boxes)
    results = str(tmp_path / 'results')
    settings = pytracking_local(synthetic_path=data, results_path=results)
    proc = _run_cli([TRACKER, PARAMS, '--dataset', 'synthetic', '--int_results', '--use_visdom', 'false'], settings)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert 'seq_c' in proc.stdout and 'scripted failure' in proc.stdout
    out_dir = os.path.join(results, 'dummytracker', 'dummyparams')
    assert sorted(os.listdir(out_dir)) == ['seq_a.txt', 'seq_a_time.txt', 'seq_b.txt', 'seq_b_time.txt']
    assert open(os.path.join(out_dir, 'seq_a.txt')).read().splitlines()[2] == '-1\t4\t20\t10'

    # one sequence by name, via python -m: succeeds
    proc = _run_cli([TRACKER, PARAMS, '--dataset_name', 'synthetic', '--sequence', 'seq_b', '--runid', '4'],
                    settings, module=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sorted(os.listdir(os.path.join(results, 'dummytracker', 'dummyparams_004'))) == ['seq_b.txt',
                                                                                          'seq_b_time.txt']
