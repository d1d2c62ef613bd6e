"""Read the weights of a TensorFlow.js *graph model* (``model.json`` + its ``*.bin`` shards) into numpy arrays.

Format (tfjs-converter): ``weightsManifest`` is a list of groups; each group names its shard files (``paths``,
relative to the JSON file) and lists its tensors (``name``, ``shape``, ``dtype`` and an optional ``quantization``
``{'dtype': 'float16'|'uint8'|'uint16', 'scale', 'min', 'original_dtype'}``). A group's tensors are stored back to
back, in list order, in the concatenation of its shards, little-endian, each in its stored dtype. ``uint8``/``uint16``
quantized values decode as ``value * scale + min``; ``float16`` ones are widened to ``float32``.

The graph itself (``modelTopology.node``: name, op, inputs, attributes) is returned unchanged for callers that want
to check how the tensors are used.
"""
import json
import os
from typing import Dict, List, Tuple

import numpy as np

_STORED_DTYPES = {'float32': np.float32, 'int32': np.int32, 'bool': np.bool_}
_QUANT_DTYPES = {'float16': np.float16, 'uint8': np.uint8, 'uint16': np.uint16}


def read_tfjs_graph_model(json_path: str) -> Tuple[Dict[str, np.ndarray], List[dict]]:
    """``json_path`` -> (``{tensor name: array}``, graph nodes). Raises with the file and tensor at fault."""
    if not os.path.isfile(json_path):
        raise FileNotFoundError(f"TensorFlow.js model file not found: {json_path}")
    with open(json_path, 'r') as f:
        model = json.load(f)
    if 'weightsManifest' not in model:
        raise ValueError(f"{json_path} is not a TensorFlow.js model (no 'weightsManifest')")
    folder = os.path.dirname(os.path.abspath(json_path))
    tensors = {}
    for group in model['weightsManifest']:
        data = b''
        for rel in group['paths']:
            shard = os.path.join(folder, rel)
            if not os.path.isfile(shard):
                raise FileNotFoundError(f"weight shard {shard} named by {json_path} is missing")
            with open(shard, 'rb') as f:
                data += f.read()
        offset = 0
        for spec in group['weights']:
            shape = tuple(int(s) for s in spec['shape'])
            count = int(np.prod(shape)) if shape else 1
            quant = spec.get('quantization')
            if quant:
                if quant['dtype'] not in _QUANT_DTYPES:
                    raise ValueError(f"{spec['name']}: quantization dtype {quant['dtype']!r} not supported; "
                                     f"allowed: {sorted(_QUANT_DTYPES)}")
                stored = np.dtype(_QUANT_DTYPES[quant['dtype']]).newbyteorder('<')
            else:
                if spec['dtype'] not in _STORED_DTYPES:
                    raise ValueError(f"{spec['name']}: dtype {spec['dtype']!r} not supported; "
                                     f"allowed: {sorted(_STORED_DTYPES)}")
                stored = np.dtype(_STORED_DTYPES[spec['dtype']]).newbyteorder('<')
            nbytes = count * stored.itemsize
            if offset + nbytes > len(data):
                raise ValueError(f"{json_path}: shards end inside tensor {spec['name']} "
                                 f"(needs bytes {offset}..{offset + nbytes}, have {len(data)})")
            values = np.frombuffer(data, dtype=stored, count=count, offset=offset)
            offset += nbytes
            if quant and quant['dtype'] in ('uint8', 'uint16'):
                values = values.astype(np.float32) * np.float32(quant['scale']) + np.float32(quant['min'])
            elif quant:
                values = values.astype(np.float32)
            else:
                values = values.astype(stored.newbyteorder('='))
            tensors[spec['name']] = values.reshape(shape)
        if offset != len(data):
            raise ValueError(f"{json_path}: {len(data) - offset} bytes of a weight group left unread")
    return tensors, model.get('modelTopology', {}).get('node', [])
