"""Several checkpoints' dense-suite tables side by side (``tools/evaluate_dense.py`` writes one per
checkpoint): the score of each checkpoint per dataset and protocol column (mean ± std over seeds),
the protocol's cost, its settings, and named pairs of checkpoints compared column by column against
twice the combined standard error of their seeds."""
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from ..benchmarking.statistics import compare_values
from .suite import fmt_value, settings_text


def comparison_rows(tables: Mapping[str, Sequence[dict]]) -> List[dict]:
    """One row per (dataset, column) of the tables, in the order they first appear.

    Args:
        tables (Mapping[str, Sequence[dict]]): Checkpoint name -> its suite table rows
            (:func:`.suite.suite_table`, the ``rows`` of ``dense_suite.json``).

    Returns:
        list[dict]: ``dataset, column, protocol, metric, img_scale, label_scale, settings`` (of
        the first table holding the row), ``cells`` (name -> the table row, absent where not
        run) and ``wall_s`` (the mean over the checkpoints of seconds per seed, None if none).
    """
    rows: Dict[Tuple[str, str], dict] = {}
    for name, table in tables.items():
        for entry in table:
            key = (entry['dataset'], entry['column'])
            if key not in rows:
                rows[key] = dict({k: entry.get(k) for k in (
                    'dataset', 'column', 'protocol', 'metric', 'img_scale', 'label_scale',
                    'settings')}, cells={})
            rows[key]['cells'][name] = entry
    for row in rows.values():
        walls = [c['wall_s'] for c in row['cells'].values() if c.get('wall_s') is not None]
        row['wall_s'] = sum(walls) / len(walls) if walls else None
    return list(rows.values())


def score(entry: Optional[dict]) -> str:
    """``mean ± std`` (one seed: the mean; not run: ``–``)."""
    if entry is None or entry.get('mean') is None:
        return '–'
    if entry.get('std') is None:
        return f'{entry["mean"]:.2f}'
    return f'{entry["mean"]:.2f} ± {entry["std"]:.2f}'


def pair_cell(row: dict, first: str, second: str) -> str:
    """``first`` minus ``second`` on one row: the difference, ``*`` beyond twice the combined
    standard error; ``(1 seed)`` where a side has one value and ``(no spread)`` where both
    repeat one value (the seed does not move the protocol there), since neither has a spread to
    judge by; ``–`` where a side is missing."""
    a, b = row['cells'].get(first), row['cells'].get(second)
    if not a or not b or not a.get('values') or not b.get('values'):
        return '–'
    _, beyond, diff, two_se = compare_values(a['values'], b['values'])
    if beyond is None:
        return f'{diff:+.2f} (1 seed)'
    if two_se < 1e-9:  # equal values: their float mean leaves rounding noise, not spread
        return f'{diff:+.2f} (no spread)'
    return f'{diff:+.2f}{"*" if beyond else ""}'


def render_comparison(rows: Sequence[dict], names: Sequence[str], pairs: Sequence[Tuple[str, str]],
                      title: str, preamble: Sequence[str] = ()) -> str:
    """The Markdown page.

    Args:
        rows (Sequence[dict]): :func:`comparison_rows`.
        names (Sequence[str]): The checkpoints' columns, in order.
        pairs (Sequence[tuple]): (first, second) checkpoints whose difference gets a column.
        title (str): The page's title (without ``#``).
        preamble (Sequence[str]): Lines between the title and the table. Defaults to ().
    """
    lines = [f'# {title}', '', *preamble, '',
             '| dataset | protocol | ' + ' | '.join(names) + ' | '
             + ''.join(f'{a} − {b} | ' for a, b in pairs) + 'wall s / seed | settings |',
             '|---|---|' + '---|' * (len(names) + len(pairs)) + '---|---|']
    for row in rows:
        metric = row['metric'] or ''
        wall = f'{row["wall_s"]:.1f}' if row['wall_s'] is not None else ''
        if row['protocol'] == 'features':  # extraction time of a split, no score
            cells = ['' for _ in names] + ['' for _ in pairs]
        else:
            cells = [score(row['cells'].get(n)) for n in names]
            cells += [pair_cell(row, a, b) for a, b in pairs]
        settings = settings_text(row['settings'])
        if row['protocol'] != 'features':
            settings = (f'{metric}, {fmt_value(row["img_scale"])} / '
                        f'{fmt_value(row["label_scale"])}' + (f', {settings}' if settings else ''))
        lines.append(f'| {row["dataset"]} | {row["column"]} | ' + ' | '.join(cells)
                     + f' | {wall} | {settings} |')
    lines += ['', 'Cells: mean ± sample std over the seeds (one value: a deterministic protocol '
              'or one seed). Differences: * beyond twice the combined standard error of the two '
              'checkpoints\' seeds; "no spread" where the seeds give one value (kNN with its whole '
              'bank), so nothing tells a finding from noise there. Settings: metric, image / '
              'label scale (`file`: the files\' own size), then what moves the protocol\'s '
              'numbers. wall s / seed: the protocol\'s seconds per seed averaged over the '
              'checkpoints (feature extraction on its own rows).']
    return '\n'.join(lines) + '\n'
