"""FCOT on TrackingNet (official ``fcot_trackingnet``)."""
from pytracking.parameter.fcot.base import fcot_parameters


def parameters():
    return fcot_parameters(search_area_scale=4.2, init_samples_minimum_weight=0.2, net_opt_iter=10,
                           net_opt_iter_72=10, reg_init_train_iter=0, reg_net_opt_iter=6,
                           target_not_found_threshold=0.12, distractor_threshold=0.72, target_neighborhood_scale=1.2,
                           iou_select=True)
