from pytracking.tracker.fcot.fcot import FCOT


def get_tracker_class():
    return FCOT
