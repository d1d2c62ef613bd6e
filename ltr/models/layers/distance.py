"""Distance-to-centre maps binned with triangular (tent) kernels, as in DiMP."""
import torch
import torch.nn as nn


class DistanceMap(nn.Module):
    """Soft binning of the Euclidean distance from each output cell to the target centre.

    For bins ``b = 0..num_bins-2`` the value is ``max(0, 1 - |rho / d - b|)``; the last bin is
    ``clamp(1 + rho / d - (num_bins - 1), 0, 1)`` (it collects everything far away), with
    ``d = bin_displacement``.

    Args (forward):
        center: ``(N, 2)`` target centres in (row, col) = (y, x) order, output-grid units.
        output_sz: ``(H, W)`` of the output grid.
    Returns:
        ``(N, num_bins, H, W)``.
    """

    def __init__(self, num_bins: int, bin_displacement: float = 1.0):
        super().__init__()
        self.num_bins = num_bins
        self.bin_displacement = bin_displacement

    def forward(self, center: torch.Tensor, output_sz) -> torch.Tensor:
        center = center.reshape(-1, 2)
        h, w = int(output_sz[0]), int(output_sz[1])
        bin_ind = torch.arange(self.num_bins, dtype=center.dtype, device=center.device).reshape(1, -1, 1, 1)
        k0 = torch.arange(h, dtype=center.dtype, device=center.device).reshape(1, 1, -1, 1)
        k1 = torch.arange(w, dtype=center.dtype, device=center.device).reshape(1, 1, 1, -1)
        d0 = k0 - center[:, 0].reshape(-1, 1, 1, 1)
        d1 = k1 - center[:, 1].reshape(-1, 1, 1, 1)
        dist = torch.sqrt(d0 * d0 + d1 * d1)
        bin_diff = dist / self.bin_displacement - bin_ind
        near = torch.relu(1.0 - torch.abs(bin_diff[:, :-1]))
        far = torch.clamp(1.0 + bin_diff[:, -1:], 0.0, 1.0)
        return torch.cat((near, far), dim=1)
