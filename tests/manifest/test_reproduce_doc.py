"""docs/reproduce.md is what the manifest and its template generate, every row's pre-training
config loads, and every repository file the page names exists."""
import os.path as osp
import re

from mmengine.config import Config

from ssl4dp_mm.manifest import reference_rows
from ssl4dp_mm.manifest.reproduce_doc import DOC, TEMPLATE, render_reproduce, sections
from tests.conftest import ROOT


def test_committed_doc_is_the_generated_one():
    with open(osp.join(ROOT, DOC)) as f:
        committed = f.read()
    assert committed == render_reproduce(ROOT), (
        f'{DOC} differs from the manifest and {osp.relpath(TEMPLATE, ROOT)}: run '
        '`python tools/reproduce.py --write-docs`')


def test_template_has_each_placeholder_once():
    with open(TEMPLATE) as f:
        text = f.read()
    names = re.findall(r'\{\{(\w+)\}\}', text)
    assert sorted(names) == sorted(sections(ROOT))


def test_every_row_config_exists_and_loads():
    rows = reference_rows()
    assert len(rows) == 148
    for row in rows:
        cfg = Config.fromfile(osp.join(ROOT, row.config))
        assert cfg.model.backbone.depth == 50, row.id


def test_every_file_the_page_names_exists():
    text = render_reproduce(ROOT)
    paths = set(re.findall(r'(?:configs|benchmarks|ssl4dp_mm)/[\w./-]+\.(?:py|md|json)', text))
    # tools of this repository (the page also names MMSeg's tools/dataset_converters in prose)
    paths |= set(re.findall(r'(?:python|bash) (tools/[\w./-]+\.(?:py|sh))', text))
    assert len(paths) > 150
    missing = sorted(p for p in paths if not osp.isfile(osp.join(ROOT, p)))
    assert not missing
