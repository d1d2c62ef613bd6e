"""FCOT on OTB-100 (official ``fcot_otb``)."""
from pytracking.parameter.fcot.base import fcot_parameters


def parameters():
    return fcot_parameters(train_skipping=14, init_train_frames=10, net_opt_update_iter=2, net_opt_update_iter_72=2,
                           merge_rate_72=0.4, merge_rate_18=0.6, target_not_found_threshold=0.0,
                           distractor_threshold=100, hard_negative_threshold=0.45, dispalcement_scale=0.7,
                           window_output=True)
