"""FCOT on NFS (official ``fcot_nfs``)."""
from pytracking.parameter.fcot.base import fcot_parameters


def parameters():
    return fcot_parameters(train_skipping=17, reg_lamda=0.8, merge_rate_72=0.2, merge_rate_18=0.8,
                           target_not_found_threshold=0.08, distractor_threshold=0.9)
