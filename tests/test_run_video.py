"""run_video.py headless on a generated mp4 / image folder, and the clear failures of run_video/run_webcam."""
import os

import cv2
import numpy as np
import pytest

import debug_helpers as dh


@pytest.fixture(scope='module')
def assets(tmp_path_factory):
    folder = tmp_path_factory.mktemp('fcot_video_assets')
    ckpt = dh.save_tiny_checkpoint(folder / 'fcot_tiny_untrained.pth')
    dh.write_param_package(folder, ckpt)
    return folder, ckpt


def _red_ratio(frame, box):
    """Fraction of the pixels on the drawn box outline that are red (the tracker's colour everywhere)."""
    x, y, w, h = (int(round(v)) for v in box)
    H, W = frame.shape[:2]
    pts = [(x + dx, yy) for yy in (y, y + h) for dx in range(2, max(3, w - 1))] + \
          [(xx, y + dy) for xx in (x, x + w) for dy in range(2, max(3, h - 1))]
    pts = [(px, py) for px, py in pts if 0 <= px < W and 0 <= py < H]
    px = np.array([frame[py, pxx] for pxx, py in pts], dtype=np.int32)
    red = (px[:, 0] > 150) & (px[:, 1] < 110) & (px[:, 2] < 110)
    return red.mean()


def test_headless_video(assets, tmp_path, pytracking_local):
    pytracking_local(results_path=str(tmp_path / 'results'))
    folder, ckpt = assets
    frames, boxes = dh.moving_square_frames(num_frames=8)
    video = dh.write_video(tmp_path / 'square.mp4', frames)
    out = tmp_path / 'annotated.mp4'
    res = dh.run_cli('run_video.py', ['fcot', dh.PARAM_MODULE, video, '--optional_box'] + boxes[0] +
                     ['--headless', '--net', ckpt, '--output', out, '--save_results'],
                     {'PYTHONPATH': str(folder)})
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]

    box_file = tmp_path / 'annotated.txt'
    tracked = np.loadtxt(box_file, delimiter='\t').reshape(-1, 4)
    assert tracked.shape == (8, 4)
    np.testing.assert_array_equal(tracked[0], boxes[0])
    results_file = tmp_path / 'results' / 'fcot' / 'params' / 'video_square_1.txt'
    np.testing.assert_array_equal(np.loadtxt(results_file, delimiter='\t').reshape(-1, 4), tracked)

    cap = cv2.VideoCapture(str(out))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 8
    cap.release()
    decoded = dh.read_video(out)
    assert len(decoded) == 8 and decoded[0].shape == frames[0].shape
    for frame, box in zip(decoded, tracked):
        assert _red_ratio(frame, box) > 0.8, box
    assert _red_ratio(frames[0], boxes[0]) < 0.05  # the input itself has no red outline


def test_headless_image_folder_with_debug_files(assets, tmp_path):
    folder, ckpt = assets
    frames, boxes = dh.moving_square_frames(num_frames=4)
    img_dir = tmp_path / 'frames'
    img_dir.mkdir()
    for i, im in enumerate(frames):
        cv2.imwrite(str(img_dir / '{:04d}.png'.format(i + 1)), cv2.cvtColor(im, cv2.COLOR_RGB2BGR))
    out = tmp_path / 'folder.mp4'
    debug_dir = tmp_path / 'dbg'
    res = dh.run_cli('run_video.py', ['fcot', dh.PARAM_MODULE, img_dir, '--optional_box'] + boxes[0] +
                     ['--output', out, '--debug', '2', '--use_visdom', 'false', '--save_debug', debug_dir],
                     {'PYTHONPATH': str(folder)})
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    assert 'running headless' in res.stdout
    assert len(dh.read_video(out)) == 4
    seq = debug_dir / 'video_frames'
    assert len(os.listdir(seq / 'Tracking')) == 4 and len(os.listdir(seq / 'Score_Map_Fused')) == 3
    assert (seq / 'summary.png').is_file()


def test_headless_without_box_fails_clearly(tmp_path):
    frames, _ = dh.moving_square_frames(num_frames=2)
    video = dh.write_video(tmp_path / 'v.mp4', frames)
    res = dh.run_cli('run_video.py', ['fcot', 'default', video, '--headless'])
    assert res.returncode == 2
    assert '--optional_box' in res.stderr
    res = dh.run_cli('run_video.py', ['fcot', 'default', tmp_path / 'missing.mp4', '--optional_box', '1', '2', '3',
                                      '4'])
    assert res.returncode == 2 and 'No such video file' in res.stderr


def test_webcam_without_camera_or_display_fails_clearly():
    res = dh.run_cli('run_webcam.py', ['fcot', 'default', '--camera', '57'], timeout=120)
    assert res.returncode == 2, res.stdout + res.stderr
    assert 'No camera found' in res.stderr and 'camera 57' in res.stderr
    assert 'no display' in res.stderr
    assert 'Traceback' not in res.stderr
