"""Nothing read from disk executes code: checkpoints (network loading, training resume, check_network) and the
evaluation cache. Each reader gets files whose unpickling would run ``os.system``, ``builtins.eval`` or
``subprocess.Popen``, or would set attributes on an allowed class (BUILD on a class)."""
import io
import os
import pickle
import zipfile

import numpy as np
import pytest
import torch

from ltr.admin.loading import load_network, torch_load_legacy
from ltr.admin.model_constructor import NetConstructor
from ltr.admin.restricted_pickle import LegacyObject, restricted_pickle_module


class _Payload:
    """Unpickling calls ``func(*args)``: with plain pickle that runs the command."""

    def __init__(self, func, args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def _payloads(marker):
    import builtins
    import subprocess
    cmd = 'touch {}'.format(marker)
    return {'os.system': _Payload(os.system, (cmd,)),
            'builtins.eval': _Payload(builtins.eval, ("__import__('os').system({!r})".format(cmd),)),
            'subprocess.Popen': _Payload(subprocess.Popen, (['touch', str(marker)],))}


def _build_on_class_pickle():
    """Raw pickle: push the class NetConstructor, then BUILD it with slot state {'function': 1}."""
    return (b'\x80\x02cltr.admin.model_constructor\nNetConstructor\nN}X\x08\x00\x00\x00functionK\x01s\x86b.')


def _torch_file_with_pickle(path, data_pkl):
    """A torch zip checkpoint whose data.pkl is replaced by ``data_pkl``."""
    buf = io.BytesIO()
    torch.save({'x': 1}, buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            content = data_pkl if info.filename.endswith('/data.pkl') else src.read(info.filename)
            dst.writestr(info, content)
    return path


@pytest.mark.parametrize('kind', ['os.system', 'builtins.eval', 'subprocess.Popen'])
def test_checkpoint_payloads_execute_nothing(tmp_path, kind):
    marker = tmp_path / 'pwned'
    path = tmp_path / 'evil.pth.tar'
    torch.save({'net': {'w': torch.zeros(1)}, 'settings': _payloads(marker)[kind]}, path)
    ckpt = torch_load_legacy(path)
    assert isinstance(ckpt['settings'], LegacyObject) and not marker.exists()
    with pytest.raises(Exception):
        load_network(str(path))          # no constructor: the bare 'net' dict does not fit FCOT
    assert not marker.exists()


def test_build_on_a_class_is_refused_and_changes_nothing(tmp_path):
    function_before = NetConstructor.__dict__['function']
    with pytest.raises(pickle.UnpicklingError, match='refused.*class NetConstructor'):
        restricted_pickle_module.loads(_build_on_class_pickle())
    path = _torch_file_with_pickle(tmp_path / 'build.pth', _build_on_class_pickle())
    with pytest.raises(pickle.UnpicklingError, match='refused'):
        torch_load_legacy(path)
    assert NetConstructor.__dict__['function'] is function_before and callable(NetConstructor('f', 'm', (), {}).function)


def test_build_on_an_instance_of_a_plain_holder_still_works():
    c = NetConstructor('fcotnet', 'ltr.models.tracking.fcotnet', (), {'decoder_dim': 64})
    back = restricted_pickle_module.loads(pickle.dumps(c))
    assert back == c and back.kwds == {'decoder_dim': 64}


def test_training_resume_executes_nothing_and_names_the_file(tmp_path):
    from test_training import ckpt_dir, make_trainer
    from ltr.dataset.synthetic import ensure_synthetic_dataset
    data = ensure_synthetic_dataset(tmp_path / 'syn', num_sequences=3, num_frames=24, size=(96, 72), seed=1)
    trainer = make_trainer(tmp_path / 'ws', data, total_epochs=1)
    marker = tmp_path / 'pwned'
    evil = os.path.join(ckpt_dir(tmp_path / 'ws'), 'FCOTNet_ep0009.pth.tar')
    torch.save({'net_type': 'FCOTNet', 'epoch': 9, 'settings': _payloads(marker)['os.system']}, evil)
    with pytest.raises(Exception) as info:
        trainer.load_checkpoint()
    assert not marker.exists() and 'FCOTNet_ep0009' in str(info.value) + repr(info.value.__cause__)


def test_corrupt_newest_checkpoint_is_skipped_with_a_warning(tmp_path, capsys):
    from test_training import ckpt_dir, make_trainer
    from ltr.dataset.synthetic import ensure_synthetic_dataset
    data = ensure_synthetic_dataset(tmp_path / 'syn', num_sequences=3, num_frames=24, size=(96, 72), seed=1)
    first = make_trainer(tmp_path / 'ws', data, total_epochs=1)
    first.train(1)
    good = os.path.join(ckpt_dir(tmp_path / 'ws'), 'FCOTNet_ep0001.pth.tar')
    bad = os.path.join(ckpt_dir(tmp_path / 'ws'), 'FCOTNet_ep0002.pth.tar')
    with open(good, 'rb') as f:
        content = f.read()
    with open(bad, 'wb') as f:
        f.write(content[:len(content) // 3])
    resumed = make_trainer(tmp_path / 'ws', data, total_epochs=1)
    assert resumed.load_checkpoint() is True and resumed.epoch == 1
    out = capsys.readouterr().out
    assert "FCOTNet_ep0002.pth.tar' cannot be read" in out and 'Resumed from {}'.format(good) in out
    with open(good, 'wb') as f:
        f.write(b'not a checkpoint')
    with pytest.raises(RuntimeError, match='No checkpoint in .* can be read'):
        make_trainer(tmp_path / 'ws', data, total_epochs=1).load_checkpoint()


def test_evaluation_cache_cannot_execute_and_bad_caches_are_recomputed(tmp_path, pytracking_local):
    from test_eval_running import INIT_BOXES, PARAMS, TRACKER, make_dataset
    from pytracking.analysis.extract_results import eval_data_path, extract_results
    from pytracking.evaluation import Tracker, get_dataset, run_dataset
    data = make_dataset(str(tmp_path / 'data'))
    pytracking_local(synthetic_path=data, results_path=str(tmp_path / 'results'),
                     result_plot_path=str(tmp_path / 'plots'))
    dataset, trackers = get_dataset('synthetic'), [Tracker(TRACKER, PARAMS)]
    run_dataset(dataset, trackers)
    first = extract_results(trackers, dataset, 'rep')
    assert first['from_cache'] is False
    again = extract_results(trackers, dataset, 'rep')
    assert again['from_cache'] is True
    np.testing.assert_array_equal(again['avg_overlap_all'], first['avg_overlap_all'])
    path = eval_data_path('rep')
    assert path.endswith('.npz')
    marker = tmp_path / 'pwned'
    for planted in (pickle.dumps({'cache_key': first['cache_key'], 'x': _payloads(marker)['os.system']}),
                    b'garbage', None):
        if planted is None:   # a valid npz holding an object array (would need allow_pickle) and a wrong type
            np.savez(path.replace('.npz', ''), __json__=np.array([{'a': 1}], dtype=object))
        else:
            with open(path, 'wb') as f:
                f.write(planted)
        res = extract_results(trackers, dataset, 'rep')
        assert res['from_cache'] is False and not marker.exists()
        np.testing.assert_array_equal(res['avg_overlap_all'], first['avg_overlap_all'])
    assert len(INIT_BOXES) == len(first['sequences'])


def test_load_network_names_the_file_it_picked_and_unreadable_files(tmp_path, capsys):
    import debug_helpers as dh
    folder = tmp_path / 'nets'
    folder.mkdir()
    dh.save_tiny_checkpoint(folder / 'FCOTNet_ep0001.pth.tar')
    load_network(str(folder))
    assert 'FCOTNet_ep0001.pth.tar' in capsys.readouterr().err
    (folder / 'FCOTNet_ep0002.pth.tar').write_bytes(b'PK\x03\x04 cut')
    from ltr.admin.loading import CheckpointError
    with pytest.raises(CheckpointError, match="FCOTNet_ep0002.pth.tar' cannot be read"):
        load_network(str(folder))
