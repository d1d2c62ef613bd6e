"""The official FCOT state_dict keys and shapes (``ltr/data_specs/fcot_state_dict.txt``, from the reference)."""
from ltr.admin.official_layout import OFFICIAL_LAYOUT_FILE as MANIFEST, read_official_layout


def read_manifest(path=MANIFEST):
    """Return ``[(key, shape), ...]`` in file order; an empty shape field is a 0-dim tensor."""
    return read_official_layout(path)
