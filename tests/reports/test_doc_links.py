"""Every relative link and every inline-code repository path of the README, docs/*.md and the
generated READMEs points at something that exists (and a link's #anchor at a heading)."""
import os.path as osp
from glob import glob

import pytest

from tests.reports.markdown import anchors, code_paths, links

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PAGES = sorted(['README.md'] + [osp.relpath(p, ROOT) for p in glob(osp.join(ROOT, 'docs', '*.md'))]
               + [osp.relpath(p, ROOT) for p in glob(osp.join(ROOT, 'configs', 'selfsup', '*',
                                                              'README.md'))]
               + ['benchmarks/results/README.md'])


def _read(rel):
    with open(osp.join(ROOT, rel), encoding='utf-8') as f:
        return f.read()


def test_pages_walked():
    assert 'README.md' in PAGES and 'docs/evaluation.md' in PAGES and len(PAGES) > 12


@pytest.mark.parametrize('page', PAGES)
def test_links_resolve(page):
    text, bad = _read(page), []
    for line, target in links(text):
        if target.startswith(('http://', 'https://', 'mailto:')):
            continue
        path, _, anchor = target.partition('#')
        full = osp.normpath(osp.join(ROOT, osp.dirname(page), path)) if path else \
            osp.join(ROOT, page)
        if not osp.exists(full):
            bad.append(f'{page}:{line}: {target} (no such file)')
        elif anchor and full.endswith('.md'):
            with open(full, encoding='utf-8') as f:
                if anchor not in anchors(f.read()):
                    bad.append(f'{page}:{line}: {target} (no heading #{anchor})')
    assert not bad, '\n'.join(bad)


@pytest.mark.parametrize('page', PAGES)
def test_code_paths_exist(page):
    bad = [f'{page}:{line}: `{path}`' for line, path in code_paths(_read(page))
           if not osp.exists(osp.join(ROOT, path))]
    assert not bad, '\n'.join(bad)
