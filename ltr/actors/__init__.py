"""Actors: turn a batch into (loss, stats) for the trainer."""
from ltr.actors.base_actor import BaseActor
from ltr.actors.fcot import FcotActor, FcotCls18Actor, FcotCls72AndRegInitActor, FcotOnlineRegressionActor

__all__ = ['BaseActor', 'FcotActor', 'FcotCls18Actor', 'FcotCls72AndRegInitActor', 'FcotOnlineRegressionActor']
