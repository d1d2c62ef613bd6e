"""FCOT on LaSOT (official ``fcot_lasot``): identical to the defaults."""
from pytracking.parameter.fcot.base import fcot_parameters


def parameters():
    return fcot_parameters()
