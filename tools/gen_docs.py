"""Write the generated documentation: ``configs/selfsup/<method>/README.md`` (configs and measured
rows of each method) and ``benchmarks/results/README.md`` (the index of the results files).

    python tools/gen_docs.py            # write what changed
    python tools/gen_docs.py --check    # exit 1 naming the files that are not current

Library: ``ssl4dp_mm/reports/``. Run it after a benchmark wrote a results file.
"""
import argparse
import os.path as osp
import sys

from ssl4dp_mm.reports import stale_files, write_files

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true',
                        help='write nothing; exit 1 if a generated file is missing or differs')
    parser.add_argument('--root', default=ROOT, help='the repository root')
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files(args.root)
        for rel in stale:
            print(f'not current: {rel} (run python tools/gen_docs.py)')
        return 1 if stale else 0
    for rel in write_files(args.root):
        print(f'wrote {rel}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
