"""Networks shipped inside the package (package data).

``fcot_tiny.pth.tar`` is FCOT-tiny, trained by this project: heads on a COCO MobileNetV3 backbone by
``ltr/train_settings/fcot/fcot_tiny_mnv3.py`` and ``fcot_tiny_mnv3_stage2.py``, then everything fine-tuned by
``fcot_tiny_mnv3_finetune_lr1e4.py``, ``fcot_tiny_mnv3_finetune_opencv_long.py`` and
``fcot_tiny_mnv3_finetune_opencv_more.py`` (its birth certificate is ``docs/fcot_tiny.md``). It is an ordinary checkpoint:
``ltr.admin.loading.load_network`` reads it and rebuilds the network from its pickled constructor.
"""
from importlib import resources

__all__ = ['SHIPPED_NETWORKS', 'shipped_network_path']

#: File names of the networks that ship with the package.
SHIPPED_NETWORKS = ('fcot_tiny.pth.tar',)


def shipped_network_path(name: str = 'fcot_tiny.pth.tar', check: bool = True) -> str:
    """Absolute path of a shipped network file. With ``check``, raises ``FileNotFoundError`` naming the file and
    how to get it when the installed package lacks it (parameter files pass ``check=False``: the network loader
    reports a missing file when the tracker starts)."""
    if name not in SHIPPED_NETWORKS:
        raise ValueError(f"unknown shipped network {name!r}; allowed: {list(SHIPPED_NETWORKS)}")
    path = resources.files(__name__).joinpath(name)
    if check and not path.is_file():
        raise FileNotFoundError(f"the shipped network {name!r} is missing from {resources.files(__name__)}; "
                                f"reinstall the package (pip install .) or retrain it as docs/fcot_tiny.md describes")
    return str(path)
