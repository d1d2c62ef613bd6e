"""The official FCOT network's state_dict layout (every key and shape), shipped as ``ltr/data_specs/fcot_state_dict.txt``.

File format: ``key<TAB>shape`` per line (comma-separated ints; an empty shape is a 0-dim tensor), ``#`` comments.
"""
from pathlib import Path
from typing import Dict, List, Tuple

__all__ = ['OFFICIAL_LAYOUT_FILE', 'read_official_layout', 'compare_with_layout']

OFFICIAL_LAYOUT_FILE = Path(__file__).resolve().parent.parent / 'data_specs' / 'fcot_state_dict.txt'


def read_official_layout(path=OFFICIAL_LAYOUT_FILE) -> List[Tuple[str, Tuple[int, ...]]]:
    """``[(key, shape), ...]`` in the official state_dict order (414 entries)."""
    entries = []
    for line in Path(path).read_text().splitlines():
        if not line.strip() or line.startswith('#'):
            continue
        key, shape = line.split('\t')
        entries.append((key, tuple(int(s) for s in shape.split(',')) if shape else ()))
    return entries


def compare_with_layout(state_dict, layout) -> Dict[str, list]:
    """Differences between a state_dict and a layout: ``missing`` and ``unexpected`` keys, and ``shape``
    mismatches as ``(key, expected, found)``. All lists are empty when they agree."""
    expected = dict(layout)
    found = {k: tuple(v.shape) for k, v in state_dict.items()}
    return {'missing': [k for k in expected if k not in found],
            'unexpected': [k for k in found if k not in expected],
            'shape': [(k, expected[k], found[k]) for k in expected if k in found and expected[k] != found[k]]}
