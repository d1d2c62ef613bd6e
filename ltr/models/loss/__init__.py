"""Training losses: ``LBHinge`` (classification) and ``REGLoss`` (FCOT box regression)."""
from ltr.models.loss.target_classification import LBHinge
from ltr.models.loss.target_regression import REGLoss

__all__ = ['LBHinge', 'REGLoss']
