"""What a plain install pulls in: runtime needs only; test tools and visdom (whose source distribution needs
setuptools<81 to build) are extras, so ``pip install -e .`` works without the constraints file."""
import configparser
import os

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _names(block):
    return {line.split('<')[0].split('=')[0].split('>')[0].strip().lower() for line in block.strip().splitlines()
            if line.strip() and not line.strip().startswith('#')}


def test_runtime_requirements_exclude_test_tools_and_visdom():
    cfg = configparser.ConfigParser()
    cfg.read(os.path.join(REPO_ROOT, 'setup.cfg'))
    runtime = _names(cfg['options']['install_requires'])
    assert {'torch', 'torchvision', 'opencv-contrib-python-headless', 'scikit-video', 'scikit-learn'} <= runtime
    assert not runtime & {'pytest', 'got10k', 'visdom', 'opencv-python-headless', 'opencv-python'}
    extras = cfg['options.extras_require']
    assert {'pytest', 'got10k', 'visdom', 'vot-trax'} <= _names(extras['test'])
    assert 'visdom' in _names(extras['visdom'])
    scripts = cfg['options.entry_points']['console_scripts']
    for cmd in ('fcot-track', 'fcot-train', 'fcot-results', 'fcot-video', 'fcot-demo'):
        assert cmd + ' = ' in scripts, cmd
    assert 'networks/*.pth.tar' in cfg['options.package_data']['pytracking']


def test_readme_and_ci_install_the_test_extra_with_the_constraints():
    readme = open(os.path.join(REPO_ROOT, 'README.md')).read()
    command = 'PIP_CONSTRAINT="$PWD/constraints.txt" python -m pip install -e ".[test]"'
    assert command in readme
    assert command in open(os.path.join(REPO_ROOT, '.ci', 'run')).read()
    assert 'python -m pytest -q' in readme
