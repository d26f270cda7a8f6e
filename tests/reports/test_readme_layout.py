"""The README's Layout section names every package folder of ssl4dp_mm, every tool and every
benchmark script, and keeps the two commands of a fresh machine (CI runs the test command)."""
import os
import os.path as osp
from glob import glob

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _readme():
    with open(osp.join(ROOT, 'README.md'), encoding='utf-8') as f:
        return f.read()


def _layout():
    text = _readme()
    assert '\n## Layout\n' in text, 'README.md has no "## Layout" section'
    section = text.split('\n## Layout\n', 1)[1]
    return section.split('\n## ', 1)[0]


def _names(pattern):
    return sorted(osp.basename(p) for p in glob(osp.join(ROOT, pattern)))


def test_every_package_folder_named():
    pkg = osp.join(ROOT, 'ssl4dp_mm')
    folders = sorted(d for d in os.listdir(pkg)
                     if osp.isfile(osp.join(pkg, d, '__init__.py')))
    assert {'engine', 'analysis', 'manifest', 'reports'} <= set(folders)
    layout = _layout()
    missing = [d for d in folders if f'{d}/' not in layout]
    assert not missing, f'README.md Layout does not name ssl4dp_mm/{missing}'


def test_every_tool_named():
    tools = _names('tools/*.py') + _names('tools/*.sh')
    analysis = _names('tools/analysis/*.py')
    assert 'gen_docs.py' in tools and 'evaluate.py' in tools and analysis
    layout = _layout()
    missing = [t for t in tools + analysis if t not in layout and not t.startswith('_')]
    assert not missing, f'README.md Layout does not name tools {missing}'


def test_every_benchmark_named():
    scripts = _names('benchmarks/*.py') + _names('benchmarks/*.sh')
    assert 'camvid_quality.py' in scripts
    layout = _layout()
    missing = [s for s in scripts if s not in layout and not s.startswith('_')]
    assert not missing, f'README.md Layout does not name benchmarks {missing}'


def test_fresh_machine_commands_verbatim():
    text = _readme()
    assert 'bash tools/setup_env.sh && .venv/bin/python tools/run_pipeline.py' in text
    assert '.venv/bin/python -m pytest -q tests\n' in text


def test_readme_is_a_front_door():
    assert len(_readme().splitlines()) <= 220
