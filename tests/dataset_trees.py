"""Builders of tiny dataset trees in the real on-disk layouts (GOT-10k, LaSOT, TrackingNet, COCO) for tests.

Every frame is a small JPEG whose pixel values encode (sequence, frame) so tests can tell frames apart:
the red channel is ``frame_id`` (0-based) and the green channel is the sequence number (approximately, JPEG).
Boxes are ``[x, y, w, h]`` with ``x = 2 + frame_id``.
"""
import json
import os

import cv2
import numpy as np

FRAME_W, FRAME_H = 64, 48


def frame_image(seq_no, frame_id):
    """(H, W, 3) uint8 RGB frame with R = frame_id * 4 and G = seq_no * 20 (saturating)."""
    im = np.zeros((FRAME_H, FRAME_W, 3), np.uint8)
    im[..., 0] = min(frame_id * 4, 255)
    im[..., 1] = min(seq_no * 20, 255)
    im[..., 2] = 128
    return im


def decode_frame_id(im):
    """Inverse of :func:`frame_image` for the red channel (robust to JPEG rounding)."""
    return int(round(float(im[..., 0].mean()) / 4))


def write_jpg(path, im):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    assert cv2.imwrite(path, np.ascontiguousarray(im[:, :, ::-1]), [cv2.IMWRITE_JPEG_QUALITY, 100])


def boxes_for(n):
    return np.array([[2 + f, 3, 10, 8] for f in range(n)], dtype=np.float64)


def write_boxes(path, boxes):
    with open(path, 'w') as f:
        f.write(''.join('{},{},{},{}\n'.format(*b) for b in boxes.tolist()))


def make_got10k(root, num_frames=(25, 30, 22), absence=None, cover=None, names=None, list_names=None, meta=True):
    """GOT-10k 'train' tree. absence/cover: optional dict seq_index -> per-frame list. Returns the root."""
    os.makedirs(root, exist_ok=True)
    names = names or ['GOT-10k_Train_{:06d}'.format(i + 1) for i in range(len(num_frames))]
    for i, (name, n) in enumerate(zip(names, num_frames)):
        seq = os.path.join(root, name)
        for f in range(n):
            write_jpg(os.path.join(seq, '{:08d}.jpg'.format(f + 1)), frame_image(i, f))
        write_boxes(os.path.join(seq, 'groundtruth.txt'), boxes_for(n))
        ab = (absence or {}).get(i, [0] * n)
        cv = (cover or {}).get(i, [8] * n)
        with open(os.path.join(seq, 'absence.label'), 'w') as f:
            f.write(''.join('{}\n'.format(v) for v in ab))
        with open(os.path.join(seq, 'cover.label'), 'w') as f:
            f.write(''.join('{}\n'.format(v) for v in cv))
        if meta:
            with open(os.path.join(seq, 'meta_info.ini'), 'w') as f:
                f.write('[METAINFO]\nurl: https://example.invalid/{}\nbegin: 00:00:00\nend: 00:00:09\n'
                        'anno_fps: 10Hz\nobject_class: class{}\nmotion_class: walking\nmajor_class: animal\n'
                        'root_class: object\nmotion_adverb: slowly\nresolution: (64, 48)\n'.format(i, i % 2))
    with open(os.path.join(root, 'list.txt'), 'w') as f:
        f.write(''.join(n + '\n' for n in (list_names or names)))
    return root


def make_lasot(root, sequences=(('airplane', 10, 25), ('airplane', 1, 21), ('bird', 10, 30)), occlusion=None,
               out_of_view=None):
    """LaSOT tree; sequences: (class, id, num_frames). occlusion/out_of_view: dict 'class-id' -> list."""
    for i, (cls, vid, n) in enumerate(sequences):
        name = '{}-{}'.format(cls, vid)
        seq = os.path.join(root, cls, name)
        for f in range(n):
            write_jpg(os.path.join(seq, 'img', '{:08d}.jpg'.format(f + 1)), frame_image(i, f))
        write_boxes(os.path.join(seq, 'groundtruth.txt'), boxes_for(n))
        for fname, d in (('full_occlusion.txt', occlusion), ('out_of_view.txt', out_of_view)):
            values = (d or {}).get(name, [0] * n)
            with open(os.path.join(seq, fname), 'w') as f:
                f.write(','.join(str(v) for v in values) + '\n')
    return root


def make_trackingnet(root, sets=None):
    """TrackingNet tree; sets: {set_id: [(video_name, num_frames), ...]}."""
    sets = sets or {0: [('vidA', 22), ('vidB', 20)], 1: [('vidC', 21)]}
    i = 0
    for set_id, videos in sets.items():
        os.makedirs(os.path.join(root, 'TRAIN_{}'.format(set_id), 'anno'), exist_ok=True)
        for name, n in videos:
            for f in range(n):
                write_jpg(os.path.join(root, 'TRAIN_{}'.format(set_id), 'frames', name, '{}.jpg'.format(f)),
                          frame_image(i, f))
            write_boxes(os.path.join(root, 'TRAIN_{}'.format(set_id), 'anno', name + '.txt'), boxes_for(n))
            i += 1
    return root


def make_coco(root, version='2017'):
    """COCO tree: 2 images, 4 annotations (one crowd). Returns (root, annotations list)."""
    img_dir = os.path.join(root, 'images', 'train' + version)
    write_jpg(os.path.join(img_dir, '000000000001.jpg'), frame_image(1, 1))
    write_jpg(os.path.join(img_dir, '000000000002.jpg'), frame_image(2, 2))
    poly = lambda x, y, w, h: [[x, y, x + w, y, x + w, y + h, x, y + h]]
    anns = [
        {'id': 11, 'image_id': 1, 'category_id': 1, 'bbox': [5.0, 6.0, 20.0, 10.0], 'area': 200.0, 'iscrowd': 0,
         'segmentation': poly(5, 6, 20, 10)},
        {'id': 12, 'image_id': 1, 'category_id': 2, 'bbox': [30.0, 10.0, 8.0, 12.0], 'area': 96.0, 'iscrowd': 0,
         'segmentation': poly(30, 10, 8, 12)},
        {'id': 13, 'image_id': 2, 'category_id': 1, 'bbox': [1.0, 2.0, 40.0, 30.0], 'area': 1200.0, 'iscrowd': 1,
         'segmentation': {'counts': [0, FRAME_W * FRAME_H], 'size': [FRAME_H, FRAME_W]}},
        {'id': 14, 'image_id': 2, 'category_id': 2, 'bbox': [10.0, 12.0, 14.0, 16.0], 'area': 224.0, 'iscrowd': 0,
         'segmentation': poly(10, 12, 14, 16)},
    ]
    instances = {
        'images': [{'id': 1, 'file_name': '000000000001.jpg', 'width': FRAME_W, 'height': FRAME_H},
                   {'id': 2, 'file_name': '000000000002.jpg', 'width': FRAME_W, 'height': FRAME_H}],
        'annotations': anns,
        'categories': [{'id': 1, 'name': 'person', 'supercategory': 'person'},
                       {'id': 2, 'name': 'dog', 'supercategory': 'animal'}],
    }
    os.makedirs(os.path.join(root, 'annotations'), exist_ok=True)
    with open(os.path.join(root, 'annotations', 'instances_train{}.json'.format(version)), 'w') as f:
        json.dump(instances, f)
    return root, anns
