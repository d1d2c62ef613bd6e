"""FCOT default parameters: the GOT-10k / LaSOT-style setting (official ``fcot_lasot`` values)."""
from pytracking.parameter.fcot.base import fcot_parameters


def parameters():
    return fcot_parameters()
