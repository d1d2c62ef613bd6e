"""Reader for ``tests/data/fcot_state_dict.txt``: the official FCOT state_dict keys and shapes."""
from pathlib import Path
from typing import List, Tuple

MANIFEST = Path(__file__).parent / 'data' / 'fcot_state_dict.txt'


def read_manifest(path: Path = MANIFEST) -> List[Tuple[str, Tuple[int, ...]]]:
    """Return ``[(key, shape), ...]`` in file order; an empty shape field is a 0-dim tensor."""
    entries = []
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith('#'):
            continue
        key, shape = line.split('\t')
        entries.append((key, tuple(int(s) for s in shape.split(',')) if shape else ()))
    return entries
