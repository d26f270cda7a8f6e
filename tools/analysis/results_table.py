"""Gather evaluations (``tools/evaluate.py``) into the reference table layout, as Markdown and CSV.

    python tools/analysis/results_table.py [ROOT ...] [--out-dir DIR]

ROOTs are work directories (searched recursively for ``eval_result.json``) or record files; the
default is ``work_dirs/eval``. One table per head, backbone and dataset; rows are pre-trainings,
columns FT-10% | LP-100% | FT-100%; each cell is the mean ± sample standard deviation of mIoU over
the seeds that were run. Writes ``results.md`` and ``results.csv`` into ``--out-dir`` (default: the
first ROOT) and prints the Markdown.
"""
import argparse
import os
import os.path as osp
import sys


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('roots', nargs='*', default=['work_dirs/eval'],
                        help='work dirs or eval_result.json files')
    parser.add_argument('--out-dir',
                        help='where results.md and results.csv go (default: first root)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from ssl4dp_mm.analysis.results_table import (build_tables, find_records, render_csv,
                                                  render_markdown)
    missing = [r for r in args.roots if not osp.exists(r)]
    if missing:
        print(f'error: {missing[0]!r} does not exist', file=sys.stderr)
        sys.exit(1)
    try:
        records = find_records(args.roots)
    except ValueError as err:
        print(f'error: {err}', file=sys.stderr)
        sys.exit(1)
    if not records:
        print(f'error: no eval_result.json under {args.roots}', file=sys.stderr)
        sys.exit(1)
    tables = build_tables(records)
    markdown, csv_text = render_markdown(tables), render_csv(tables)
    out_dir = args.out_dir or (args.roots[0] if osp.isdir(args.roots[0]) else
                               osp.dirname(args.roots[0]))
    os.makedirs(out_dir, exist_ok=True)
    with open(osp.join(out_dir, 'results.md'), 'w') as f:
        f.write(markdown)
    with open(osp.join(out_dir, 'results.csv'), 'w') as f:
        f.write(csv_text)
    print(markdown)
    print(f'{len(records)} records, {len(tables)} tables -> {osp.join(out_dir, "results.md")}, '
          f'{osp.join(out_dir, "results.csv")}')
    return tables


if __name__ == '__main__':
    main()
