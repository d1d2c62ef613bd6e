"""Per-stage wall-clock timing of the tracker (enabled with ``params.profile = True``)."""
import time
from collections import defaultdict
from contextlib import contextmanager

import torch


class StageTimer:
    """Accumulates seconds per named stage; a disabled timer costs one branch per stage.

    On CUDA the device is synchronised at stage boundaries so that the times are real (profiling only).
    """

    def __init__(self, enabled: bool = False, device: torch.device = torch.device('cpu')):
        self.enabled = enabled
        self.sync = enabled and device.type == 'cuda'
        self.last = {}
        self.total = defaultdict(float)
        self.frames = 0

    @contextmanager
    def stage(self, name: str):
        if not self.enabled:
            yield
            return
        if self.sync:
            torch.cuda.synchronize()
        tic = time.perf_counter()
        try:
            yield
        finally:
            if self.sync:
                torch.cuda.synchronize()
            dt = time.perf_counter() - tic
            self.last[name] = self.last.get(name, 0.0) + dt
            self.total[name] += dt

    def new_frame(self):
        self.last = {}
        self.frames += 1
