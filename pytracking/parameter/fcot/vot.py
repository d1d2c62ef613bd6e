"""FCOT on VOT2018 (official ``fcot_vot``)."""
from pytracking.parameter.fcot.base import fcot_parameters


def parameters():
    return fcot_parameters(search_area_scale=4.0, sample_memory_size=250, learning_rate=0.0075,
                           init_samples_minimum_weight=0.0, train_skipping=8, init_train_frames=8,
                           net_opt_iter=25, net_opt_update_iter=3, net_opt_hn_iter=3,
                           net_opt_iter_72=25, net_opt_update_iter_72=3, net_opt_hn_iter_72=3,
                           lamda_72=0.5, reg_lamda=0.6, merge_rate_72=0.4, merge_rate_18=1.0,
                           target_not_found_threshold=0.0, distractor_threshold=100, hard_negative_threshold=0.45,
                           dispalcement_scale=0.7, window_output=True)
