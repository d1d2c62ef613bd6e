"""FCOT on GOT-10k. The official code has no GOT-10k file (its script names a missing ``fcot_got``); the
paper's GOT-10k numbers use the LaSOT-style defaults, which this file reproduces."""
from pytracking.parameter.fcot.base import fcot_parameters


def parameters():
    return fcot_parameters()
