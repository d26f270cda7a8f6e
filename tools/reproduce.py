"""What reproduces one row of the reference VOC 2012 aug / Cityscapes tables, and the config of any
row of the run matrix, from the manifest (ssl4dp_mm/manifest).

    python tools/reproduce.py --list
    python tools/reproduce.py ROW [--write-config OUT]
    python tools/reproduce.py --pretrain METHOD DECODER DATASET [--epochs N] [--start mocov2-200e]
        [--write-config OUT]
    python tools/reproduce.py --seg HEAD PROTOCOL DATASET [--backbone B] [--decay poly]
        [--write-config OUT]
    python tools/reproduce.py --write-docs [PATH]

ROW is ``<dataset>/<method>[-<decoder>]``: ``voc/plmoco-mocofcn`` (PLMoCo w/dec, MoCoFCN),
``cityscapes/mocodec`` (MoCo, no decoder); ``--list`` prints every id. For a ROW it prints its
pre-training config and the commands, ready to run from the repository root: pre-train, then
``tools/evaluate.py`` with each of the row's heads, then ``tools/analysis/results_table.py``.
The draft report's rows are ``draft/<name>`` (its FT-100% decays per head, random init at 160k
poly, MoCo v2 200 epochs as a starting point, PLMoCo for 50 and 200 VOC epochs).

``--pretrain`` (DECODER ``none`` for w/o dec; any dataset with a pre-training list, e.g.
``ade20k``) and ``--seg`` (any head, protocol, dataset and backbone) print the config composed
from the manifest (ssl4dp_mm/manifest/compose.py) as a leaf file, ``_base_`` paths relative to
``configs/selfsup/<folder>/`` or ``configs/seg/<head folder>/``, where it can be saved.
``--write-config OUT`` also writes the resolved config (``Config.dump``). ``--write-docs`` writes
docs/reproduce.md (its template: ssl4dp_mm/manifest/reproduce_template.md).
"""
import argparse
import os.path as osp
import sys

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
LEAF_BASE_DIR = '../../_base_'  # from configs/seg/<folder>/ and configs/selfsup/<folder>/


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('row', nargs='?', help='row id, e.g. voc/plmoco-mocofcn')
    parser.add_argument('--list', action='store_true', help='print every row id and exit')
    parser.add_argument('--pretrain', nargs=3, metavar=('METHOD', 'DECODER', 'DATASET'),
                        help='print the composed pre-training config of a row (DECODER none: '
                        'w/o dec)')
    parser.add_argument('--seg', nargs=3, metavar=('HEAD', 'PROTOCOL', 'DATASET'),
                        help='print the composed segmentation leaf of a head, protocol, dataset')
    parser.add_argument('--backbone', default='r18-d8',
                        help='the backbone of --seg (default: r18-d8)')
    parser.add_argument('--decay', help="--seg with one of the draft report's schedules "
                        '(linear, step, cosine, poly, poly-160k; FT-100%% on VOC)')
    parser.add_argument('--epochs', type=int, help='--pretrain for this many epochs')
    parser.add_argument('--start', default='mocov2',
                        help="--pretrain continued from this checkpoint's schedule (mocov2: "
                        'MoCo v2 800 epochs, mocov2-200e)')
    parser.add_argument('--write-config', metavar='OUT', help='write the resolved config')
    parser.add_argument('--write-docs', metavar='PATH', nargs='?', const='docs/reproduce.md',
                        help='write docs/reproduce.md (or PATH) from the manifest and exit')
    args = parser.parse_args(argv)
    chosen = [bool(args.row), args.list, bool(args.pretrain), bool(args.seg),
              bool(args.write_docs)]
    if sum(chosen) != 1:
        parser.error('give one of ROW, --list, --pretrain, --seg or --write-docs')
    if args.write_config and not (args.row or args.pretrain or args.seg):
        parser.error('--write-config needs a ROW, --pretrain or --seg')
    return parser, args


def composed(parser, args):
    """The text and the resolved config of ``--pretrain`` or ``--seg``."""
    from ssl4dp_mm.manifest import (compose_pretrain_config, compose_seg_config,
                                    pretrain_config_text, seg_config_text)
    try:
        if args.pretrain:
            method, decoder, dataset = args.pretrain
            decoder = None if decoder.lower() == 'none' else decoder
            text = pretrain_config_text(method, decoder, dataset, LEAF_BASE_DIR, args.epochs,
                                        args.start)
            return text, lambda: compose_pretrain_config(method, decoder, dataset, args.epochs,
                                                         args.start)
        head, protocol, dataset = args.seg
        text = seg_config_text(head, protocol, dataset, args.backbone, LEAF_BASE_DIR, args.decay)
        return text, lambda: compose_seg_config(head, protocol, dataset, args.backbone,
                                                args.decay)
    except KeyError as err:
        parser.error(err.args[0])


def main(argv=None):
    parser, args = parse_args(argv)
    from ssl4dp_mm.manifest import (DRAFT_ROWS, REFERENCE_DATA, draft_commands, draft_row,
                                    reference_row, reference_rows, row_commands)
    if args.list:
        print('\n'.join([row.id for row in reference_rows()] + [row.id for row in DRAFT_ROWS]))
        return
    if args.write_docs:
        from ssl4dp_mm.manifest.reproduce_doc import render_reproduce
        out = osp.join(ROOT, args.write_docs) if not osp.isabs(args.write_docs) else args.write_docs
        with open(out, 'w') as f:
            f.write(render_reproduce(ROOT))
        print(f'wrote {out}')
        return
    if args.pretrain or args.seg:
        text, load = composed(parser, args)
        print(text, end='')
        if args.write_config:
            load().dump(args.write_config)
            print(f'# wrote {args.write_config}', file=sys.stderr)
        return
    if args.row.startswith('draft/'):
        try:
            row = draft_row(args.row)
        except KeyError as err:
            parser.error(f'{err.args[0]} (--list prints every row)')
        print(f'# {row.id}: {row.label}, VOC 2012 aug (the draft report)')
        print('\n'.join(draft_commands(row)))
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
