"""Server packing (GOT-10k test, TrackingNet): round trip through the zip, run selection, refusal lists."""
import io
import os
import zipfile

import numpy as np
import pytest

from pytracking.evaluation import Tracker
from pytracking.util_scripts.pack_got10k_results import main as got_main, pack_got10k_results
from pytracking.util_scripts.pack_trackingnet_results import main as tn_main, pack_trackingnet_results
from pytracking.util_scripts.pack_utils import IncompleteResultsError

GOT_SEQS = {'GOT-10k_Test_000001': 5, 'GOT-10k_Test_000002': 3}
TN_SEQS = {'vidA': 4, 'vidB': 2}


def make_got(root):
    test = os.path.join(root, 'test')
    os.makedirs(test)
    with open(os.path.join(test, 'list.txt'), 'w') as f:
        f.write(''.join(n + '\n' for n in GOT_SEQS))
    for name, n in GOT_SEQS.items():
        os.makedirs(os.path.join(test, name))
        with open(os.path.join(test, name, 'groundtruth.txt'), 'w') as f:
            f.write('1,2,30,40\n')
        for k in range(1, n + 1):
            open(os.path.join(test, name, '{:08d}.jpg'.format(k)), 'wb').close()


def make_tn(root):
    for name, n in TN_SEQS.items():
        os.makedirs(os.path.join(root, 'TEST', 'frames', name))
        os.makedirs(os.path.join(root, 'TEST', 'anno'), exist_ok=True)
        with open(os.path.join(root, 'TEST', 'anno', name + '.txt'), 'w') as f:
            f.write('1,2,30,40\n')
        for k in range(n):
            open(os.path.join(root, 'TEST', 'frames', name, '{}.jpg'.format(k)), 'wb').close()


def write_run(tracker, seqs, seed):
    rng = np.random.default_rng(seed)
    data = {}
    os.makedirs(tracker.results_dir, exist_ok=True)
    for name, n in seqs.items():
        boxes = np.round(rng.uniform(0, 100, (n, 4)), 3)
        times = np.round(rng.uniform(0.01, 0.1, n), 6)
        np.savetxt(os.path.join(tracker.results_dir, name + '.txt'), boxes, delimiter='\t', fmt='%.3f')
        np.savetxt(os.path.join(tracker.results_dir, name + '_time.txt'), times, fmt='%.6f')
        data[name] = (boxes, times)
    return data


def read_zip(path):
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n).decode() for n in zf.namelist()}


def parse(text):
    return np.loadtxt(io.StringIO(text), delimiter=',', ndmin=2)


@pytest.fixture
def got_env(tmp_path, pytracking_local):
    make_got(str(tmp_path / 'got'))
    pytracking_local(got10k_path=str(tmp_path / 'got'), results_path=str(tmp_path / 'res'),
                     got_packed_results_path=str(tmp_path / 'packed'))
    return tmp_path


def test_got10k_three_runs_round_trip(got_env, capsys):
    runs = [write_run(Tracker('trk', 'p', r), GOT_SEQS, r) for r in range(3)]
    assert got_main(['trk', 'p']) == 0  # run folders _000.._002 found automatically
    files = read_zip(str(got_env / 'packed' / 'trk_p.zip'))
    expected = {'{0}/{0}_{1:03d}.txt'.format(s, i) for s in GOT_SEQS for i in (1, 2, 3)}
    expected |= {'{0}/{0}_time.txt'.format(s) for s in GOT_SEQS}
    assert set(files) == expected
    for s, n in GOT_SEQS.items():
        for i in range(3):
            text = files['{0}/{0}_{1:03d}.txt'.format(s, i + 1)]
            assert ',' in text and '\t' not in text
            np.testing.assert_allclose(parse(text), runs[i][s][0], atol=1e-6)
        times = np.loadtxt(io.StringIO(files['{0}/{0}_time.txt'.format(s)]))
        np.testing.assert_allclose(times, runs[0][s][1], atol=1e-6)
    assert 'Packed results' in capsys.readouterr().out


def test_got10k_single_run_and_refusal(got_env, capsys):
    data = write_run(Tracker('trk', 'p'), GOT_SEQS, 7)
    path = pack_got10k_results('trk', 'p', output_name='single')
    files = read_zip(path)
    assert sorted(files) == sorted(['{0}/{0}_001.txt'.format(s) for s in GOT_SEQS] +
                                   ['{0}/{0}_time.txt'.format(s) for s in GOT_SEQS])
    np.testing.assert_allclose(parse(files['GOT-10k_Test_000002/GOT-10k_Test_000002_001.txt']),
                               data['GOT-10k_Test_000002'][0], atol=1e-6)
    with pytest.raises(ValueError, match='1 or 3'):
        pack_got10k_results('trk', 'p', run_ids=[0, 1])
    # a missing sequence and a truncated one in run 1 -> refused, all listed, no zip
    write_run(Tracker('trk', 'q', 0), GOT_SEQS, 0)
    write_run(Tracker('trk', 'q', 2), GOT_SEQS, 2)
    r1 = Tracker('trk', 'q', 1)
    write_run(r1, {'GOT-10k_Test_000001': 4}, 1)
    with pytest.raises(IncompleteResultsError) as err:
        pack_got10k_results('trk', 'q', run_ids=[0, 1, 2])
    assert [p[1:] for p in err.value.problems] == [('GOT-10k_Test_000001', '4 lines for 5 frames'),
                                                    ('GOT-10k_Test_000002', 'missing GOT-10k_Test_000002.txt'),
                                                    ('GOT-10k_Test_000002', 'missing GOT-10k_Test_000002_time.txt')]
    assert got_main(['trk', 'q', '--runids', '0', '1', '2']) == 1
    assert 'GOT-10k_Test_000002' in capsys.readouterr().err
    assert not os.path.exists(str(got_env / 'packed' / 'trk_q.zip'))


def test_trackingnet_round_trip_and_refusal(tmp_path, pytracking_local, capsys):
    make_tn(str(tmp_path / 'tn'))
    pytracking_local(trackingnet_path=str(tmp_path / 'tn'), results_path=str(tmp_path / 'res'),
                     tn_packed_results_path=str(tmp_path / 'packed'))
    data = write_run(Tracker('trk', 'p', 3), TN_SEQS, 3)
    assert tn_main(['trk', 'p', '--runid', '3']) == 0
    files = read_zip(str(tmp_path / 'packed' / 'trk_p_003.zip'))
    assert sorted(files) == ['vidA.txt', 'vidB.txt']
    for s in TN_SEQS:
        np.testing.assert_allclose(parse(files[s + '.txt']), data[s][0], atol=0.005 + 1e-9)  # %.2f
        assert all(len(v.split('.')[1]) == 2 for v in files[s + '.txt'].split()[0].split(','))
    path = pack_trackingnet_results('trk', 'p', run_id=3, output_name='named')
    assert os.path.basename(path) == 'named.zip'
    os.remove(os.path.join(Tracker('trk', 'p', 3).results_dir, 'vidB.txt'))
    assert tn_main(['trk', 'p', '--runid', '3', '--output', 'again']) == 1
    assert 'vidB' in capsys.readouterr().err
    assert not os.path.exists(str(tmp_path / 'packed' / 'again.zip'))
