"""Parametric leaky ReLU used as the DiMP score activation, and its derivative."""
import torch
import torch.nn as nn


class LeakyReluPar(nn.Module):
    """``act(s; m) = (1 - m)/2 * |s| + (1 + m)/2 * s``: identity where ``m = 1``, ReLU-like where ``m = 0``.

    ``s`` and ``m`` broadcast against each other (e.g. scores ``(I, S, H, W)``, mask ``(I, S, H, W)``).
    """

    def forward(self, x: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
        return (1.0 - a) / 2.0 * torch.abs(x) + (1.0 + a) / 2.0 * x


class LeakyReluParDeriv(nn.Module):
    """Derivative of :class:`LeakyReluPar` w.r.t. ``s``: ``(1 - m)/2 * sign(s) + (1 + m)/2``.

    ``s`` is detached inside ``sign`` so no gradient flows through the (piecewise constant) sign.
    """

    def forward(self, x: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
        return (1.0 - a) / 2.0 * torch.sign(x.detach()) + (1.0 + a) / 2.0
