"""Debug visualisation of FCOT: a real visdom server (offline assets, see scripts/setup_visdom_offline.sh),
the unreachable-server path, and the PNG output of --save_debug."""
import base64
import json
import os
import subprocess
import sys

import cv2
import numpy as np
import pytest

import debug_helpers as dh

SEQ_SIZE = (160, 120)  # (W, H) of the generated sequences
LEVEL12_HEATMAPS = {'Score Map 18': (10, 10), 'Score Map 72': (37, 37), 'Score Map Fused': (36, 36),
                    'Score Map Fused (windowed)': (36, 36), 'Regression l': (36, 36), 'Regression r': (36, 36),
                    'Regression t': (36, 36), 'Regression b': (36, 36)}  # at image_sample_size 144
LEVEL3 = ('Training Loss', 'Memory Weights')


@pytest.fixture(scope='module')
def assets(tmp_path_factory):
    """Checkpoint + parameter package (on PYTHONPATH) shared by the tests of this module."""
    folder = tmp_path_factory.mktemp('fcot_debug_assets')
    ckpt = dh.save_tiny_checkpoint(folder / 'fcot_tiny_untrained.pth')
    dh.write_param_package(folder, ckpt)
    return folder


@pytest.fixture(scope='module')
def visdom_server(tmp_path_factory):
    ok, why = dh.visdom_offline_ready()
    if not ok:  # try to set it up (needs npm); this test must not be skipped in CI
        script = os.path.join(dh.REPO_ROOT, 'scripts', 'setup_visdom_offline.sh')
        res = subprocess.run(['bash', script, sys.executable], capture_output=True, text=True,
                             timeout=600)
        ok, why2 = dh.visdom_offline_ready()
        assert ok, ('visdom cannot run offline ({}); running {} failed:\n{}\n{}'.format(
            why, script, res.stdout[-2000:], res.stderr[-2000:]))
    env_path = tmp_path_factory.mktemp('visdom_env')
    port = dh.free_port()
    proc = dh.start_visdom_server(env_path, port)
    yield port
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def _client(port):
    import visdom
    return visdom.Visdom(server='http://127.0.0.1', port=port, use_incoming_socket=False, raise_exceptions=True)


def _dataset(pytracking_local, folder, num_sequences, num_frames):
    from ltr.dataset.synthetic import ensure_synthetic_dataset
    path = ensure_synthetic_dataset(folder, num_sequences=num_sequences, num_frames=num_frames, size=SEQ_SIZE,
                                    seed=0)
    pytracking_local(synthetic_path=path)
    return path


def _png_shape(window_json):
    src = window_json['content']['src']
    data = base64.b64decode(src.split(',', 1)[1])
    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR).shape


def test_debug2_panels_in_real_visdom(visdom_server, assets, pytracking_local, tmp_path):
    num_frames = 4
    _dataset(pytracking_local, tmp_path / 'synthetic', 1, num_frames)
    res = dh.run_cli('run_tracker.py', ['fcot', dh.PARAM_MODULE, '--dataset_name', 'synthetic', '--sequence', '0',
                                        '--debug', '2', '--use_visdom', 'true', '--visdom_server', '127.0.0.1',
                                        '--visdom_port', visdom_server],
                     {'PYTHONPATH': str(assets)})
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    assert 'Visdom could not start' not in res.stderr

    vis = _client(visdom_server)
    tracking = dh.window(vis, 'Tracking')
    assert tracking is not None and tracking['type'] == 'image'
    assert _png_shape(tracking)[:2] == (SEQ_SIZE[1], SEQ_SIZE[0])
    status = dh.window(vis, 'Status')
    assert status['type'] == 'text'
    for key in ('frame num</b>: {}'.format(num_frames), 'flag</b>: normal', 'max score</b>:', 'FPS</b>:'):
        assert key in status['content'], status['content']
    assert dh.window(vis, 'Help') is not None
    for title, shape in LEVEL12_HEATMAPS.items():
        win = dh.window(vis, title)
        assert win is not None, title
        trace = win['content']['data'][0]
        assert trace['type'] == 'heatmap', title
        z = np.array(trace['z'], dtype=np.float64)
        assert z.shape == shape, (title, z.shape)
        assert np.isfinite(z).all() and z.std() > 0, title
    for title in LEVEL3:  # level 3 panels are not shown at --debug 2
        assert not vis.win_exists(title), title
    blocks = dh.window(vis, 'block_list')
    names = [p['name'] for p in blocks['content']]
    assert set(LEVEL12_HEATMAPS) | {'Status', 'Help'} <= set(names) and 'Tracking' not in names


def test_block_list_and_keyboard_through_the_server(visdom_server):
    """Events sent as the browser page sends them (websocket /socket, 'forward_to_vis'): unticking a block in
    'Block List' closes its window, ticking shows it; SPACE / right arrow in 'Tracking' reach the runner."""
    from pytracking.evaluation.tracker import Tracker
    from pytracking.utils.visdom import Visdom
    env = 'handlers'
    runner = Tracker('fcot', 'default')
    vis = Visdom(1, {'handler': runner._visdom_ui_handler, 'win_id': 'Tracking'},
                 {'server': '127.0.0.1', 'port': visdom_server, 'env': env})
    assert dh.wait_for(lambda: vis.vis.socket_alive), 'the client socket did not connect'
    vis.register(np.arange(12.0).reshape(3, 4), 'heatmap', 1, 'Map A')
    vis.register({'frame_num': 3, 'max_score': 0.5}, 'info_dict', 1, 'Info B')
    vis.register(np.ones((2, 2)), 'heatmap', 2, 'Hidden C')  # above the debug level: registered, not drawn
    client = vis.vis
    assert client.win_exists('Map A', env=env) and client.win_exists('Info B', env=env)
    assert not client.win_exists('Hidden C', env=env)
    names = [p['name'] for p in json.loads(client.get_window_data('block_list', env=env))['content']]
    assert names == ['Map A', 'Info B', 'Hidden C']

    def browser(**event):
        dh.send_browser_event(visdom_server, dict(event, eid=env))

    browser(event_type='PropertyUpdate', target='block_list', propertyId=0, value=False)
    assert dh.wait_for(lambda: not client.win_exists('Map A', env=env))
    browser(event_type='PropertyUpdate', target='block_list', propertyId=2, value=True)
    assert dh.wait_for(lambda: client.win_exists('Hidden C', env=env))
    props = json.loads(client.get_window_data('block_list', env=env))['content']
    assert [p['value'] for p in props] == [False, True, True]

    browser(event_type='KeyPress', target='Tracking', key=' ')
    assert dh.wait_for(lambda: runner.pause_mode)
    browser(event_type='KeyPress', target='Tracking', key='ArrowRight')
    assert dh.wait_for(lambda: runner.step)
    runner._wait_if_paused()  # consumes the step instead of blocking
    assert not runner.step
    browser(event_type='KeyPress', target='Tracking', key=' ')
    assert dh.wait_for(lambda: not runner.pause_mode)
    vis.close()


def test_unreachable_server_warns_once_and_writes_files(assets, pytracking_local, tmp_path):
    num_frames = 5
    _dataset(pytracking_local, tmp_path / 'synthetic', 2, num_frames)
    port = dh.free_port()  # nothing listens there
    out = tmp_path / 'debug_png'
    res = dh.run_cli('run_tracker.py', ['fcot', dh.PARAM_MODULE, '--dataset_name', 'synthetic', '--debug', '3',
                                        '--use_visdom', 'true', '--visdom_server', '127.0.0.1',
                                        '--visdom_port', port, '--save_debug', out],
                     {'PYTHONPATH': str(assets)}, timeout=900)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    assert res.stderr.count('Visdom could not start') == 1, res.stderr  # two sequences, one warning
    assert '127.0.0.1:{}'.format(port) in res.stderr
    seqs = sorted(os.listdir(out))
    assert len(seqs) == 2
    for seq in seqs:
        folder = out / seq
        panels = {'Tracking': num_frames, 'Status': num_frames, 'Memory_Weights': num_frames}
        panels.update({t.replace(' ', '_').replace('(', '').replace(')', ''): num_frames - 1
                       for t in LEVEL12_HEATMAPS})
        for panel, count in panels.items():
            files = sorted(os.listdir(folder / panel))
            assert len(files) == count, (seq, panel, files)
        assert os.listdir(folder / 'Training_Loss'), 'no optimisation loss plot'
        frame = cv2.imread(str(folder / 'Score_Map_Fused' / '00002.png'))
        assert frame is not None and frame.shape[0] >= 36 * 6
        summary = cv2.imread(str(folder / 'summary.png'))
        assert summary is not None and summary.shape[0] >= 2 * 200 and summary.shape[1] > 10 * 200


def test_file_sink_without_visdom_api(tmp_path):
    """DebugFileWriter on its own: panels per frame and a montage, via the Python API."""
    from pytracking.utils.visdom import DebugFileWriter
    w = DebugFileWriter(tmp_path, debug=2)
    w.begin_sequence('seq a')
    im = np.zeros((60, 80, 3), np.uint8)
    for f in (1, 2, 3):
        w.new_frame(f)
        w.register((im, [10, 10, 20, 20], [0, 0, 60, 50]), 'Tracking', 1, 'Tracking')
        w.register({'frame_num': f, 'flag': 'normal'}, 'info_dict', 1, 'Status')
        w.register(np.random.rand(36, 36), 'heatmap', 2, 'Score Map Fused')
        w.register(np.random.rand(5), 'lineplot', 3, 'Training Loss')  # above level: not written
    path = w.end_sequence()
    assert sorted(os.listdir(tmp_path / 'seq_a')) == ['Score_Map_Fused', 'Status', 'Tracking', 'summary.png']
    tracking = cv2.imread(str(tmp_path / 'seq_a' / 'Tracking' / '00003.png'))[:, :, ::-1]
    assert (tracking[22 + 10, 15:25] == [255, 0, 0]).all()  # output box (red) on the frame below the title bar
    assert cv2.imread(path).shape[0] == 3 * 240
