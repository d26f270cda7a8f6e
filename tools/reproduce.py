"""What reproduces one row of the reference VOC 2012 aug / Cityscapes tables, from the manifest
(ssl4dp_mm/manifest).

    python tools/reproduce.py --list
    python tools/reproduce.py ROW [--write-config OUT]
    python tools/reproduce.py --write-docs [PATH]

ROW is ``<dataset>/<method>[-<decoder>]``: ``voc/plmoco-mocofcn`` (PLMoCo w/dec, MoCoFCN),
``cityscapes/mocodec`` (MoCo, no decoder); ``--list`` prints every id. For a ROW it prints its
pre-training config and the commands, ready to run from the repository root: pre-train, then
``tools/evaluate.py`` with each of the row's heads, then ``tools/analysis/results_table.py``.
``--write-config OUT`` also writes the row's resolved pre-training config (``Config.dump``).
``--write-docs`` writes docs/reproduce.md (its template:
ssl4dp_mm/manifest/reproduce_template.md).
"""
import argparse
import os.path as osp
import sys

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('row', nargs='?', help='row id, e.g. voc/plmoco-mocofcn')
    parser.add_argument('--list', action='store_true', help='print every row id and exit')
    parser.add_argument('--write-config', metavar='OUT', help="write the row's resolved config")
    parser.add_argument('--write-docs', metavar='PATH', nargs='?', const='docs/reproduce.md',
                        help='write docs/reproduce.md (or PATH) from the manifest and exit')
    args = parser.parse_args(argv)
    if not (args.list or args.write_docs or args.row):
        parser.error('give a ROW, --list or --write-docs')
    if args.write_config and not args.row:
        parser.error('--write-config needs a ROW')
    return parser, args


def main(argv=None):
    parser, args = parse_args(argv)
    from ssl4dp_mm.manifest import REFERENCE_DATA, reference_row, reference_rows, row_commands
    if args.list:
        print('\n'.join(row.id for row in reference_rows()))
        return
    if args.write_docs:
        from ssl4dp_mm.manifest.reproduce_doc import render_reproduce
        out = osp.join(ROOT, args.write_docs) if not osp.isabs(args.write_docs) else args.write_docs
        with open(out, 'w') as f:
            f.write(render_reproduce(ROOT))
        print(f'wrote {out}')
        return
    try:
        row = reference_row(args.row)
    except KeyError as err:
        parser.error(f'{err.args[0]} (--list prints every row)')
    print(f'# {row.id}: {row.label}, {REFERENCE_DATA[row.dataset].title}')
    print(f'# pre-training config: {row.config}')
    print('\n'.join(row_commands(row)))
    if args.write_config:
        from mmengine.config import Config
        Config.fromfile(osp.join(ROOT, row.config)).dump(args.write_config)
        print(f'# wrote {args.write_config}', file=sys.stderr)


if __name__ == '__main__':
    main()
