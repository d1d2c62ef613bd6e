"""FCOT on UAV123 (official ``fcot_uav``)."""
from pytracking.parameter.fcot.base import fcot_parameters


def parameters():
    return fcot_parameters(reg_lamda=0.0, merge_rate_72=0.2, merge_rate_18=0.8, target_not_found_threshold=0.12,
                           distractor_threshold=0.9)
