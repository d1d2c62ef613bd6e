"""OpenCV's classical trackers (CSRT, KCF, MIL, MOSSE) behind the tracker interface of this package, as baselines.

They come from ``opencv-contrib-python-headless`` (``cv2.TrackerCSRT``, ``cv2.TrackerKCF``, ``cv2.TrackerMIL``,
``cv2.legacy.TrackerMOSSE``) with OpenCV's default parameters.
"""
from pytracking.tracker.opencv.opencv_tracker import OPENCV_TRACKERS, OpenCVTracker

__all__ = ['OPENCV_TRACKERS', 'OpenCVTracker']
