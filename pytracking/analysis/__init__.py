"""Analysis of tracking results: OPE scores (AUC, OP50/75, precision, normalized precision, FPS), plots,
per-sequence / per-attribute tables, and VOT2018 accuracy / robustness / EAO.

CLI: ``python -m pytracking.analysis.print_results TRACKER PARAM --dataset NAME [--runids ...] [--plot]``.
"""
from pytracking.analysis.extract_results import extract_results, load_eval_data
from pytracking.analysis.metrics import calc_center_error, calc_iou_overlap, calc_seq_err_robust
from pytracking.analysis.plot_results import (compute_scores, plot_results, print_per_sequence_results,
                                              print_results, print_results_per_attribute)

__all__ = ['extract_results', 'load_eval_data', 'calc_iou_overlap', 'calc_center_error', 'calc_seq_err_robust',
           'compute_scores', 'print_results', 'plot_results', 'print_per_sequence_results',
           'print_results_per_attribute']
