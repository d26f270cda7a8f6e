"""Reading Markdown for the documentation tests: links, inline-code paths, anchors, tables."""
import re
from typing import Dict, Iterator, List, Set, Tuple

LINK = re.compile(r'!?\[[^\]]*\]\(([^)\s]+)\)')
CODE = re.compile(r'`([^`\n]+)`')
# inline code that names a file or folder of the repository
REPO_PATH = re.compile(
    r'^(ssl4dp_mm|configs|tools|benchmarks|tests|docs|requirements)/[A-Za-z0-9_./-]*$')


def prose_lines(text: str) -> Iterator[Tuple[int, str]]:
    """``(line number, line)`` of the lines outside fenced code blocks."""
    fenced = False
    for i, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith('```'):
            fenced = not fenced
            continue
        if not fenced:
            yield i, line


def links(text: str) -> List[Tuple[int, str]]:
    """Every Markdown link or image target outside code blocks and inline code."""
    out = []
    for i, line in prose_lines(text):
        for m in LINK.finditer(CODE.sub(lambda c: ' ' * len(c.group(0)), line)):
            out.append((i, m.group(1)))
    return out


def code_paths(text: str) -> List[Tuple[int, str]]:
    """Every inline-code span outside code blocks that is a repository path; paths of the
    upstream projects (after ``MMSeg's`` or ``MMSelfSup's`` on the same line) are left out."""
    out = []
    for i, line in prose_lines(text):
        for m in CODE.finditer(line):
            token = m.group(1).strip()
            upstream = re.search(r"MMSeg's|MMSegmentation's|MMSelfSup's", line[:m.start()])
            if REPO_PATH.match(token) and not upstream:
                out.append((i, token.rstrip('/')))
    return out


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', heading.strip().lower())
    return re.sub(r'[^\w\- ]', '', text).replace(' ', '-')


def anchors(text: str) -> Set[str]:
    """The anchors of every heading of a page (repeated headings get ``-1``, ``-2``, ...)."""
    seen, out = {}, set()
    for _, line in prose_lines(text):
        m = re.match(r'^#{1,6}\s+(.*)$', line)
        if m:
            base = slug(m.group(1))
            n = seen.get(base, 0)
            seen[base] = n + 1
            out.add(base if n == 0 else f'{base}-{n}')
    return out


def table_rows(text: str, first_header: str) -> List[Dict[str, str]]:
    """The body rows of every table whose first header cell is ``first_header``: header -> cell."""
    rows, in_table, header = [], False, []
    for line in text.splitlines():
        if not line.startswith('|'):
            in_table = False
            continue
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if cells[0] == first_header:
            in_table, header = True, cells
            continue
        if in_table and not set(line) <= set('|-: '):
            rows.append(dict(zip(header, cells)))
    return rows
