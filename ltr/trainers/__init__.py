"""Trainers: epoch loop, checkpoints, resuming."""
from ltr.trainers.base_trainer import BaseTrainer, NonFiniteLossError
from ltr.trainers.ltr_trainer import LTRTrainer

__all__ = ['BaseTrainer', 'LTRTrainer', 'NonFiniteLossError']
