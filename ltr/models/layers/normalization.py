"""Instance-wise L2 normalisation of feature maps."""
import torch
import torch.nn as nn


class InstanceL2Norm(nn.Module):
    """Scale every sample so that ``sum(y**2) / (C*H*W) == scale**2``.

    ``y = x * scale * sqrt(C*H*W / (sum(x**2) + eps))``; the sum runs over C, H, W of each sample.

    Input/output: ``(N, C, H, W)``. No parameters.
    """

    def __init__(self, size_average: bool = True, eps: float = 1e-5, scale: float = 1.0):
        super().__init__()
        self.size_average = size_average
        self.eps = eps
        self.scale = scale

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        if input.dim() != 4:
            raise ValueError(f"InstanceL2Norm expects (N, C, H, W), got shape {tuple(input.shape)}")
        sq = (input * input).reshape(input.shape[0], -1).sum(dim=1).reshape(-1, 1, 1, 1)
        if self.size_average:
            numel = input.shape[1] * input.shape[2] * input.shape[3]
            return input * (self.scale * torch.sqrt(numel / (sq + self.eps)))
        return input * (self.scale / torch.sqrt(sq + self.eps))

    def extra_repr(self) -> str:
        return f"scale={self.scale:.7g}, eps={self.eps}"
