"""Environment settings (ltr + pytracking local.py files), Settings, stats and model_constructor."""

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from ltr.admin import environment as ltr_env
from ltr.admin.local_settings import SettingsError, SettingsSnapshot
from ltr.admin.model_constructor import NetConstructor, model_constructor
from ltr.admin.stats import AverageMeter, StatValue
from pytracking.evaluation import environment as pt_env

REPO = Path(__file__).resolve().parent.parent

LTR_FIELDS = ['workspace_dir', 'tensorboard_dir', 'pretrained_networks', 'lasot_dir', 'got10k_dir',
              'trackingnet_dir', 'coco_dir', 'lvis_dir', 'sbd_dir', 'imagenet_dir', 'imagenetdet_dir', 'ecssd_dir',
              'hkuis_dir', 'msra10k_dir', 'davis_dir', 'youtubevos_dir', 'synthetic_dir']
PT_FIELDS = ['results_path', 'segmentation_path', 'network_path', 'result_plot_path', 'otb_path', 'nfs_path',
             'uav_path', 'tpl_path', 'vot_path', 'got10k_path', 'lasot_path', 'trackingnet_path', 'oxuva_path',
             'davis_dir', 'youtubevos_dir', 'got_packed_results_path', 'got_reports_path', 'tn_packed_results_path',
             'dataspec_path', 'lasot_mask_path', 'got10k_mask_path', 'trackingnet_mask_path', 'synthetic_path']

BOTH = [pytest.param(ltr_env, id='ltr'), pytest.param(pt_env, id='pytracking')]


# ----------------------------------------------------------------------------------------------- generation
def test_ltr_file_generated_on_first_use(tmp_path, monkeypatch):
    path = tmp_path / 'sub' / 'ltr_local.py'
    monkeypatch.delenv('LTR_LOCAL_FILE')
    monkeypatch.setattr(ltr_env._LOCAL_FILE, 'default_path', path)   # the default location, moved out of the repo
    assert not path.exists()
    s = ltr_env.env_settings()
    assert path.is_file()
    assert 'class EnvironmentSettings' in path.read_text()
    for name in LTR_FIELDS:
        assert getattr(s, name) == '', name
    assert type(s).__name__ == 'EnvironmentSettings'


def test_ltr_derived_dirs_follow_workspace(ltr_local, tmp_path):
    ltr_local(workspace_dir=str(tmp_path / 'ws'))
    s = ltr_env.env_settings()
    assert s.workspace_dir == str(tmp_path / 'ws')
    assert s.tensorboard_dir == str(tmp_path / 'ws') + '/tensorboard/'
    assert s.pretrained_networks == str(tmp_path / 'ws') + '/pretrained_networks/'
    assert s.synthetic_dir == str(tmp_path / 'ws') + '/synthetic/'
    ltr_local(workspace_dir=str(tmp_path / 'ws'), synthetic_dir='/data/syn')
    assert ltr_env.env_settings().synthetic_dir == '/data/syn'


def test_pytracking_file_generated_on_first_use(tmp_path, monkeypatch):
    path = tmp_path / 'pt_local.py'
    monkeypatch.delenv('PYTRACKING_LOCAL_FILE')
    monkeypatch.setattr(pt_env._LOCAL_FILE, 'default_path', path)
    s = pt_env.env_settings()
    text = path.read_text()
    assert 'def local_env_settings():' in text
    for name in PT_FIELDS:
        assert 'settings.{} = '.format(name) in text, name
        assert hasattr(s, name), name
    assert os.path.normpath(s.network_path) == str(REPO / 'models')
    assert os.path.normpath(s.results_path) == str(REPO / 'pytracking' / 'tracking_results')
    assert os.path.normpath(s.dataspec_path) == str(REPO / 'ltr' / 'data_specs')
    assert (Path(s.dataspec_path) / 'got10k_vot_val_split.txt').is_file()
    assert s.got10k_path == '' and s.synthetic_path == '' and s.lasot_mask_path == ''
    # one assignment per field, alphabetical (pytracking's dir() order)
    assigned = [line.split('.')[1].split(' ')[0] for line in text.splitlines()
                if line.strip().startswith('settings.')]
    assert assigned == sorted(PT_FIELDS + ['lasot_extension_subset_path'])


@pytest.mark.parametrize('env, var', [(ltr_env, 'LTR_LOCAL_FILE'), (pt_env, 'PYTRACKING_LOCAL_FILE')])
def test_env_var_naming_a_missing_file_is_an_error_and_creates_nothing(env, var, tmp_path, monkeypatch):
    missing = tmp_path / 'nope' / 'local.py'
    monkeypatch.setenv(var, str(missing))
    with pytest.raises(env.SettingsError, match='{}=.*nope/local.py.*does not exist'.format(var)):
        env.env_settings()
    assert not (tmp_path / 'nope').exists()


def test_wrong_type_field_is_reported_with_field_and_file(pytracking_local):
    path = pytracking_local(results_path=123)
    with pytest.raises(pt_env.SettingsError, match=r'`results_path` = 123 has the wrong type \(int\).*{}'.format(
            path.name)):
        pt_env.required_path('results_path', must_exist=False)


def test_default_paths_when_env_var_unset(monkeypatch):
    monkeypatch.delenv('LTR_LOCAL_FILE')
    monkeypatch.delenv('PYTRACKING_LOCAL_FILE')
    assert ltr_env.local_file_path() == REPO / 'ltr' / 'admin' / 'local.py'
    assert pt_env.local_file_path() == REPO / 'pytracking' / 'evaluation' / 'local.py'
    monkeypatch.setenv('LTR_LOCAL_FILE', '')
    assert ltr_env.local_file_path() == REPO / 'ltr' / 'admin' / 'local.py'


def test_fixtures_isolate_from_the_repository(local_settings_dir):
    assert Path(os.environ['LTR_LOCAL_FILE']).parent == local_settings_dir
    assert Path(os.environ['PYTRACKING_LOCAL_FILE']).parent == local_settings_dir
    s = pt_env.env_settings()
    for name in ('results_path', 'segmentation_path', 'result_plot_path', 'got_packed_results_path',
                 'got_reports_path', 'tn_packed_results_path'):
        assert Path(getattr(s, name)).is_relative_to(local_settings_dir), name
    assert os.path.normpath(s.network_path) == str(REPO / 'models')


@pytest.mark.parametrize('env', BOTH)
def test_create_default_local_file_never_overwrites(env, tmp_path):
    path = tmp_path / 'local.py'
    assert env.create_default_local_file(path) == path
    path.write_text('# mine\n')
    with pytest.raises(FileExistsError, match=str(path)):
        env.create_default_local_file(path)
    assert path.read_text() == '# mine\n'
    env.create_default_local_file(path, overwrite=True)
    assert path.read_text() != '# mine\n'


@pytest.mark.parametrize('env', BOTH)
def test_unknown_field_is_rejected(env, tmp_path):
    with pytest.raises(TypeError, match='no_such_field'):
        env.write_local_file(tmp_path / 'x.py', no_such_field='a')
    assert not (tmp_path / 'x.py').exists()


# ----------------------------------------------------------------------------------------------- broken files
@pytest.mark.parametrize('env, var', [(ltr_env, 'LTR_LOCAL_FILE'), (pt_env, 'PYTRACKING_LOCAL_FILE')])
def test_syntax_error_is_reported_and_file_kept(env, var, tmp_path, monkeypatch):
    path = tmp_path / 'broken_local.py'
    broken = 'class EnvironmentSettings:\n    def __init__(self:\n        pass\n'
    path.write_text(broken)
    monkeypatch.setenv(var, str(path))
    with pytest.raises(SettingsError) as info:
        env.env_settings()
    assert str(path) in str(info.value)
    assert 'SyntaxError' in str(info.value)
    assert isinstance(info.value.__cause__, SyntaxError)
    assert isinstance(info.value, RuntimeError)
    assert path.read_text() == broken
    assert sorted(p.name for p in tmp_path.iterdir()) == ['broken_local.py']


def test_exception_while_building_settings_names_file(ltr_local, monkeypatch, tmp_path):
    path = tmp_path / 'raising.py'
    path.write_text('class EnvironmentSettings:\n    def __init__(self):\n        raise ValueError("boom")\n')
    monkeypatch.setenv('LTR_LOCAL_FILE', str(path))
    with pytest.raises(SettingsError, match='boom') as info:
        ltr_env.env_settings()
    assert str(path) in str(info.value)
    assert isinstance(info.value.__cause__, ValueError)


def test_missing_entry_point_names_file(monkeypatch, tmp_path):
    path = tmp_path / 'empty.py'
    path.write_text('x = 1\n')
    monkeypatch.setenv('PYTRACKING_LOCAL_FILE', str(path))
    with pytest.raises(SettingsError, match='local_env_settings') as info:
        pt_env.env_settings()
    assert str(path) in str(info.value)


# ----------------------------------------------------------------------------------------------- override / reload
def test_env_var_override_and_reread(ltr_local, pytracking_local, tmp_path):
    first = ltr_local(got10k_dir='/data/got10k')
    assert ltr_env.env_settings().got10k_dir == '/data/got10k'
    assert ltr_env.local_file_path() == first
    second = ltr_local(got10k_dir='/other/got10k')
    assert first != second
    assert ltr_env.env_settings().got10k_dir == '/other/got10k'
    # edited in place: re-read on each call
    second.write_text(second.read_text().replace('/other/got10k', '/edited'))
    assert ltr_env.env_settings().got10k_dir == '/edited'

    pytracking_local(otb_path='/data/otb', network_path=['/a', '/b'])
    s = pt_env.env_settings()
    assert s.otb_path == '/data/otb'
    assert s.network_path == ['/a', '/b']
    assert s.results_path.startswith(str(first.parent))  # fixture default: outputs in the test folder


def test_values_with_quotes_and_backslashes_roundtrip(ltr_local):
    odd = "C:\\data\\it's \"here\""
    ltr_local(lasot_dir=odd)
    assert ltr_env.env_settings().lasot_dir == odd


# ----------------------------------------------------------------------------------------------- required_path
def test_required_path_errors_name_field_and_file(ltr_local, tmp_path):
    file = ltr_local(got10k_dir=str(tmp_path / 'missing'), coco_dir=str(tmp_path))
    with pytest.raises(SettingsError) as info:
        ltr_env.required_path('lasot_dir')
    assert 'lasot_dir' in str(info.value) and str(file) in str(info.value) and 'empty' in str(info.value)

    with pytest.raises(SettingsError) as info:
        ltr_env.required_path('got10k_dir')
    msg = str(info.value)
    assert 'got10k_dir' in msg and str(file) in msg and str(tmp_path / 'missing') in msg

    assert ltr_env.required_path('got10k_dir', must_exist=False) == str(tmp_path / 'missing')
    assert ltr_env.required_path('coco_dir') == str(tmp_path)

    with pytest.raises(SettingsError, match='no_such_dir') as info:
        ltr_env.required_path('no_such_dir')
    assert str(file) in str(info.value)


def test_required_path_with_explicit_settings_and_lists(pytracking_local, tmp_path):
    (tmp_path / 'b').mkdir()
    file = pytracking_local(network_path=[str(tmp_path / 'a'), str(tmp_path / 'b')], otb_path='')
    s = pt_env.env_settings()
    assert pt_env.required_path('network_path', settings=s) == str(tmp_path / 'b')
    assert pt_env.required_path('network_path', settings=s, must_exist=False) == str(tmp_path / 'a')
    with pytest.raises(SettingsError) as info:
        pt_env.required_path('otb_path', settings=s)
    assert 'otb_path' in str(info.value) and str(file) in str(info.value)


def test_required_path_expands_user(ltr_local, monkeypatch, tmp_path):
    monkeypatch.setenv('HOME', str(tmp_path))
    ltr_local(coco_dir='~')
    assert ltr_env.required_path('coco_dir') == str(tmp_path)


# ----------------------------------------------------------------------------------------------- Settings, stats
def test_settings_pickle_roundtrip(ltr_local, tmp_path):
    from ltr.admin.settings import Settings
    ltr_local(workspace_dir=str(tmp_path))
    settings = Settings()
    assert settings.env.workspace_dir == str(tmp_path)
    assert isinstance(settings.use_gpu, bool)
    settings.batch_size = 3
    restored = pickle.loads(pickle.dumps(settings))
    assert isinstance(restored.env, SettingsSnapshot)
    assert restored.env.workspace_dir == str(tmp_path)
    assert restored.env.tensorboard_dir == settings.env.tensorboard_dir
    assert restored.batch_size == 3 and restored.use_gpu == settings.use_gpu
    assert type(settings.env).__name__ == 'EnvironmentSettings'  # the live object is untouched


def test_average_meter():
    m = AverageMeter()
    m.update(2.0, n=3)
    m.update(6.0)
    assert (m.val, m.sum, m.count) == (6.0, 12.0, 4)
    assert m.avg == pytest.approx(3.0)
    m.new_epoch()
    assert m.history == [pytest.approx(3.0)] and m.count == 0 and m.avg == 0 and m.has_new_data
    m.new_epoch()
    assert m.history == [pytest.approx(3.0)] and not m.has_new_data
    m.update(1.0)
    m.reset()
    assert (m.val, m.avg, m.sum, m.count) == (0, 0, 0, 0) and len(m.history) == 1


def test_stat_value():
    v = StatValue()
    v.update(1.5)
    v.update(2.5)
    assert v.val == 2.5 and v.history == [1.5, 2.5]
    v.new_epoch()
    assert v.val == 0 and v.history == [1.5, 2.5]
    v.reset()
    assert v.val == 0


# ----------------------------------------------------------------------------------------------- model_constructor
@model_constructor
def _make(a, b=2, **extra):
    class Obj:
        pass
    obj = Obj()
    obj.made_with = (a, b, extra)
    return obj


def test_model_constructor_records_exact_call():
    obj = _make(1, c=5)
    c = obj.constructor
    assert isinstance(c, NetConstructor)
    assert (c.fun_name, c.fun_module, c.args, c.kwds) == ('_make', __name__, (1,), {'c': 5})
    rebuilt = c.get()
    assert rebuilt.made_with == (1, 2, {'c': 5})
    assert rebuilt.constructor == c
    assert _make.__name__ == '_make'


def test_net_constructor_pickles_by_reference():
    c = NetConstructor('fcotnet', 'ltr.models.tracking.fcotnet', (), {'norm_scale_coef': 2.0})
    data = pickle.dumps(c)
    assert b'ltr.admin.model_constructor' in data and b'NetConstructor' in data
    assert pickle.loads(data) == c


def test_ltr_import_is_light_and_does_not_import_pytracking():
    code = ('import sys, ltr\n'
            'assert hasattr(ltr, "model_constructor")\n'
            'assert "torch" not in sys.modules, "import ltr imported torch"\n'
            'import ltr.admin.environment, ltr.admin.settings, ltr.admin.stats, ltr.admin.loading, '
            'ltr.admin.pretrained\n'
            'bad = sorted(m for m in sys.modules if m.split(".")[0] == "pytracking")\n'
            'assert not bad, bad\n')
    result = subprocess.run([sys.executable, '-c', code], cwd=str(REPO), capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
