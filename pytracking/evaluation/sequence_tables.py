"""Reading of the embedded evaluation sequence tables (``dataset_specs/``).

Tables are tab-separated with a header row (otb.tsv, nfs.tsv, uav.tsv) or plain
name lists, one name per line (lasot_test.txt, vot2018.txt). Table columns:

    name         sequence name (result file stem)
    path         frame folder, relative to the dataset root
    startFrame   first frame number on disk (1-based file numbering)
    endFrame     last frame number on disk (inclusive)
    nz           zero padding of the frame number in the file name
    ext          image file extension
    anno_path    annotation file, relative to the dataset root; rows are
                 [x, y, w, h] boxes in image pixels
    initOmit     (OTB only, optional) frames skipped at the start
    object_class object class name
    occlusion    (NFS only) 'True'/'False'
"""
import csv
import os

__all__ = ['SPEC_DIR', 'read_sequence_table', 'read_name_list']

SPEC_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'dataset_specs')

_INT_FIELDS = ('startFrame', 'endFrame', 'nz', 'initOmit')
_BOOL_FIELDS = ('occlusion',)
_REQUIRED = ('name', 'path', 'startFrame', 'endFrame', 'nz', 'ext', 'anno_path')


def _spec_path(filename):
    path = os.path.join(SPEC_DIR, filename)
    if not os.path.isfile(path):
        raise FileNotFoundError("Embedded sequence table '{}' is missing (expected in {})".format(filename, SPEC_DIR))
    return path


def _convert(row, field, line_no, path):
    value = row.get(field)
    if field in _INT_FIELDS:
        if value in (None, ''):
            return 0
        try:
            return int(value)
        except ValueError:
            raise ValueError("{} line {}: field '{}' must be an integer, got {!r}".format(
                path, line_no, field, value)) from None
    if field in _BOOL_FIELDS:
        if value not in ('True', 'False'):
            raise ValueError("{} line {}: field '{}' must be True or False, got {!r}".format(
                path, line_no, field, value))
        return value == 'True'
    return value


def read_sequence_table(filename):
    """The rows of ``dataset_specs/<filename>`` as a list of dicts with typed values.

    Integer fields (startFrame, endFrame, nz, initOmit) are ints (an empty
    initOmit is 0); 'occlusion' is a bool; other fields are strings.
    """
    path = _spec_path(filename)
    with open(path, newline='') as f:
        reader = csv.DictReader(f, delimiter='\t')
        missing = [c for c in _REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError("{}: header lacks the column(s) {}".format(path, ', '.join(missing)))
        rows = []
        for line_no, row in enumerate(reader, start=2):
            rows.append({k: _convert(row, k, line_no, path) for k in reader.fieldnames})
    return rows


def read_name_list(filename):
    """The non-empty lines of ``dataset_specs/<filename>`` (stripped), in file order."""
    path = _spec_path(filename)
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]
