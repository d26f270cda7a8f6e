"""Every committed CamVid results page renders again from its JSON: the page is
``camvid_report.render`` of the JSON's rows (``continued_report.render_record`` of the JSON for the
continued regime), followed only by notes written by hand (a paragraph starting with one of NOTES).
For the from-scratch pages, the run's settings that the JSON does not hold (environment line,
seeds, iterations, wall time) are read back from the page's own setting paragraph."""
import glob
import json
import os.path as osp
import re
from types import SimpleNamespace

import pytest

from ssl4dp_mm.benchmarking import camvid_report, continued_report
from tests.conftest import ROOT

RESULTS = osp.join(ROOT, 'benchmarks', 'results')
# the from-random-init pages (the continued regime's page has its own renderer)
PAGES = sorted(p for p in glob.glob(osp.join(RESULTS, 'camvid_*.json'))
               if osp.isfile(osp.splitext(p)[0] + '.md')
               and not osp.basename(p).startswith('camvid_continued'))
# the continued regime's pages: their JSON holds everything they are rendered from
CONTINUED_PAGES = sorted(p for p in glob.glob(osp.join(RESULTS, 'camvid_continued*.json'))
                         if osp.isfile(osp.splitext(p)[0] + '.md'))
# the first line of the notes written by hand under a rendered page
NOTES = ('Reading', '## Reading', '**Superseded**')


def page_settings(text: str) -> tuple:
    """(args, wall seconds, environment line) of a rendered page, read from its setting
    paragraph (the fifth line) and its environment line (the third)."""
    lines = text.splitlines()
    env, setting = lines[2], lines[4]

    def seeds(pattern):
        m = re.search(pattern, setting)
        return [int(x) for x in m.group(1).split(', ')] if m else None

    paired = 'training seeds the pre-training seed (`--paired-seeds`)' in setting
    args = SimpleNamespace(
        pretrain_seeds=seeds(r'pre-training seeds ([0-9, ]+)\. '), paired_seeds=paired,
        seeds=[0] if paired else seeds(r' training seeds ([0-9, ]+)\. '),
        pretrain_iters=int(re.search(r'batch 16, (\d+) iterations', setting).group(1)),
        eval_iters=int(re.search(r'(\d+) iterations at batch 8', setting).group(1)))
    wall = float(re.search(r'work dir\): ([0-9.]+) min', setting).group(1)) * 60
    return args, wall, env


def test_there_are_pages():
    names = [osp.basename(p) for p in PAGES]
    assert 'camvid_quality_seeds.json' in names and len(names) >= 5, names


@pytest.mark.parametrize('path', PAGES, ids=osp.basename)
def test_page_renders_from_its_json(path):
    results, page = _json_and_page(path)
    args, wall, env = page_settings(page)
    assert env.split(' · ')[0] == re.match(r'\d{4}-\d\d-\d\d', env).group(0)
    _check_page(page, camvid_report.render(results, args, wall, env))


@pytest.mark.parametrize('path', CONTINUED_PAGES, ids=osp.basename)
def test_continued_page_renders_from_its_json(path):
    """The from-scratch files its claims were judged on are committed beside it."""
    record, page = _json_and_page(path)
    _check_page(page, continued_report.render_record(record, RESULTS))


def _json_and_page(path: str) -> tuple:
    """A results JSON's contents and the text of its page beside it."""
    with open(path) as f:
        data = json.load(f)
    with open(osp.splitext(path)[0] + '.md') as f:
        return data, f.read()


def _check_page(page: str, rendered: str) -> None:
    """``page`` is ``rendered`` followed only by notes written by hand."""
    assert page[:len(rendered)] == rendered
    notes = page[len(rendered):]
    assert not notes or (notes.startswith('\n') and notes[1:].startswith(NOTES)), notes[:200]
    assert 'issue ' not in page.lower()
