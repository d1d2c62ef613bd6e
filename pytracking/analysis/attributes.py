"""Per-sequence attributes (OTB, UAV123, LaSOT, ...) from JSON files.

No attribute files ship with this repository (they are dataset metadata). They are used when present:

1. an explicit ``attribute_file=`` argument (CLI: ``--attributes FILE``);
2. else ``$PYTRACKING_ATTRIBUTES_DIR/<file>``;
3. else ``pytracking/evaluation/dataset_attribute_specs/<file>`` (pytracking's location),

where ``<file>`` is ``otb_attributes.json``, ``UAV123_attributes.json`` or ``LaSOT_attributes.json`` for the
dataset tags 'otb', 'uav' and 'lasot' (other tags: ``<tag>_attributes.json``).

Accepted JSON forms (keys are sequence names; for UAV123 the names may omit the ``uav_`` prefix):

- ``{"<seq>": ["IV", "SV", ...], ...}`` - the attribute names of each sequence;
- ``{"<seq>": {"IV": 1, "SV": 0, ...}, ...}`` - a 0/1 flag per attribute;
- ``{"attribute_names": ["IV", "SV", ...], "<seq>": [1, 0, ...], ...}`` - flag vectors in that order.

Keys starting with ``_`` (comments) are ignored.
"""
import json
import os
from collections import OrderedDict

__all__ = ['ATTRIBUTE_FILES', 'ATTRIBUTES_DIR_ENV_VAR', 'attribute_file_for', 'load_attribute_file',
           'get_dataset_attributes']

ATTRIBUTES_DIR_ENV_VAR = 'PYTRACKING_ATTRIBUTES_DIR'
ATTRIBUTE_FILES = {'otb': 'otb_attributes.json', 'uav': 'UAV123_attributes.json', 'lasot': 'LaSOT_attributes.json'}
_DEFAULT_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'evaluation',
                            'dataset_attribute_specs')


def attribute_file_for(dataset_tag):
    """The attribute file of a dataset tag (first existing of the env-var folder and the default folder)."""
    fname = ATTRIBUTE_FILES.get(dataset_tag, '{}_attributes.json'.format(dataset_tag))
    folders = [os.environ.get(ATTRIBUTES_DIR_ENV_VAR, ''), _DEFAULT_DIR]
    for folder in folders:
        if folder and os.path.isfile(os.path.join(folder, fname)):
            return os.path.join(folder, fname)
    raise FileNotFoundError("No attribute file '{}' for dataset '{}': put it in ${} or {}, or pass "
                            "attribute_file=".format(fname, dataset_tag, ATTRIBUTES_DIR_ENV_VAR, _DEFAULT_DIR))


def load_attribute_file(path):
    """{sequence key: [attribute names]} from a JSON file in one of the accepted forms."""
    with open(path) as f:
        data = json.load(f)
    names = data.get('attribute_names')
    out = OrderedDict()
    for key, val in data.items():
        if key == 'attribute_names' or key.startswith('_'):
            continue
        if isinstance(val, dict):
            out[key] = [a for a, flag in val.items() if flag]
        elif names is not None and all(isinstance(v, (int, float, bool)) for v in val):
            if len(val) != len(names):
                raise ValueError("'{}': sequence '{}' has {} flags for {} attribute names".format(
                    path, key, len(val), len(names)))
            out[key] = [a for a, flag in zip(names, val) if flag]
        else:
            out[key] = [str(a) for a in val]
    return out


def get_dataset_attributes(dataset, attribute_file=None):
    """OrderedDict attribute -> list of sequence names of ``dataset`` (a SequenceList) having it.

    Raises FileNotFoundError when no attribute file is found (module docstring).
    """
    dataset = list(dataset)
    if attribute_file is None:
        tags = sorted({s.dataset for s in dataset})
        if len(tags) != 1:
            raise ValueError('Pass attribute_file= for a dataset mixing tags {}'.format(tags))
        attribute_file = attribute_file_for(tags[0])
    per_seq = load_attribute_file(attribute_file)
    out = OrderedDict()
    for seq in dataset:
        attrs = per_seq.get(seq.name)
        if attrs is None and seq.name.startswith('uav_'):
            attrs = per_seq.get(seq.name[len('uav_'):])
        for a in attrs or []:
            out.setdefault(a, []).append(seq.name)
    return OrderedDict(sorted(out.items()))
