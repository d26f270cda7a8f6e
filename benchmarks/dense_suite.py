"""The dense evaluation suite for several checkpoints, side by side: every frozen protocol of
``tools/evaluate_dense.py`` on one dataset for each checkpoint, one table with the differences of
named pairs and the cost of each protocol.

    python benchmarks/dense_suite.py --suite toy \
        --row random-init=none mocov2-300i=CKPT plmoco-dec-300i=CKPT \
        [--layers backbone.layer4] [--seeds 3] [--work-dir work_dirs/dense_toy/eval] \
        [--options dinov2_iters=4000 probe_pixels=128] \
        [--compare plmoco-dec-300i:mocov2-300i mocov2-300i:random-init] \
        [--out benchmarks/results/dense_suite_toy.md]

Each row runs ``ssl4dp_mm.evaluation.suite.run_suite`` (its records are reused: rerun to resume,
or to add a row), with the same protocols, seeds, layers and settings for every row. By default
each row is compared with the one before it (a dense checkpoint with an image-level one, that with
random init). The page and its JSON go to ``--out``; the per-checkpoint tables stay in
``<work-dir>/<row>/dense_suite.md``. Library: ssl4dp_mm/evaluation/suite_compare.py.
"""
import argparse
import ast
import os.path as osp
import typing

from ssl4dp_mm.benchmarking.camvid_report import environment
from ssl4dp_mm.benchmarking.results_file import write_results
from ssl4dp_mm.evaluation.run import FrozenOptions
from ssl4dp_mm.evaluation.suite import SUITE_DATASETS, SUITE_PROTOCOLS, run_suite
from ssl4dp_mm.evaluation.suite_compare import comparison_rows, render_comparison

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def _pair(text: str, sep: str):
    if sep not in text:
        raise argparse.ArgumentTypeError(f'{text!r}: expected A{sep}B')
    return tuple(text.split(sep, 1))


def _tuple_item_type(annotation):
    """The item type of a ``Tuple[X, ...]`` / ``Optional[Tuple[X, ...]]`` annotation, else None."""
    for tp in (annotation, ) + typing.get_args(annotation):
        if typing.get_origin(tp) is tuple:
            return typing.get_args(tp)[0]
    return None


def _literal(text: str):
    if text.strip().lower() == 'none':
        return None
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text  # a word such as exact or linear4+ms


def frozen_options(pairs) -> FrozenOptions:
    """``FrozenOptions`` with ``(key, value)`` pairs set, values read as Python literals (none
    is None, a word that is no literal stays a string). A tuple setting takes its items
    comma-separated, with or without brackets (``dinov2_variants=linear,linear4+ms``,
    ``hbird_bank_sizes=1024``, ``dinov2_crop_size=(64,64)``), each of the field's item type.

    Raises:
        KeyError: naming a key that is not a field.
        ValueError: naming the key whose item is not of the field's item type.
    """
    hints = typing.get_type_hints(FrozenOptions)
    values = {}
    for key, text in pairs:
        if key not in hints:
            raise KeyError(f'--options {key}: not a protocol setting; known: {sorted(hints)}')
        item_type = _tuple_item_type(hints[key])
        value = _literal(text)
        if item_type is not None and value is not None:
            items = value if isinstance(value, (tuple, list)) else \
                [_literal(word) for word in text.strip('()[] ').split(',') if word.strip()]
            if item_type is float:  # 1 is a float setting's 1.0
                items = [float(i) if type(i) is int else i for i in items]
            for item in items:
                if type(item) is not item_type:
                    raise ValueError(f'--options {key}={text}: {item!r} is not '
                                     f'{item_type.__name__}')
            value = tuple(items)
        values[key] = value
    return FrozenOptions(**values)


def recorded_seconds(tables) -> float:
    """The protocols' seconds over every record of the tables (seconds per seed x seeds)."""
    return sum(e['wall_s'] * e['seeds'] for t in tables.values() for e in t
               if e.get('wall_s') is not None and e.get('seeds'))


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('--suite', required=True, choices=sorted(SUITE_DATASETS),
                        help='the dataset')
    parser.add_argument('--row', nargs='+', required=True, type=lambda t: _pair(t, '='),
                        metavar='NAME=CKPT', help="checkpoints in column order ('none': random "
                        'init)')
    parser.add_argument('--data-root', help='the dataset root (default: the suite\'s)')
    parser.add_argument('--protocols', nargs='+', default=list(SUITE_PROTOCOLS),
                        choices=SUITE_PROTOCOLS)
    parser.add_argument('--layers', nargs='+', default=['backbone.layer4'])
    parser.add_argument('--seeds', type=int, default=3)
    parser.add_argument('--options', nargs='+', default=[], type=lambda t: _pair(t, '='),
                        metavar='KEY=VALUE',
                        help='protocol settings (fields of ssl4dp_mm.evaluation.run.'
                        'FrozenOptions), e.g. dinov2_iters=1000 (the reference 40000 steps each '
                        'upsample a batch of logits to the label size: hours on a CPU), '
                        'probe_pixels=128')
    parser.add_argument('--force', action='store_true', help='redo recorded protocols')
    parser.add_argument('--compare', nargs='*', type=lambda t: _pair(t, ':'), metavar='A:B',
                        help='pairs whose difference gets a column (default: each row against '
                        'the one before)')
    parser.add_argument('--work-dir', default=osp.join(ROOT, 'work_dirs', 'dense_suite'))
    parser.add_argument('--device', default='cpu', choices=('cpu', 'cuda'))
    parser.add_argument('--out',
                        help='the page (default benchmarks/results/dense_suite_<suite>.md)')
    args = parser.parse_args(argv)
    names = [n for n, _ in args.row]
    if len(set(names)) != len(names):
        parser.error(f'--row names repeat: {names}')
    if args.compare is None:
        args.compare = list(zip(names[1:], names[:-1]))
    unknown = sorted({n for pair in args.compare for n in pair} - set(names))
    if unknown:
        parser.error(f'--compare names rows that --row does not: {unknown}')
    if args.seeds < 1:
        parser.error('--seeds must be >= 1')
    try:
        args.opts = frozen_options(args.options)
    except (KeyError, ValueError) as err:
        parser.error(str(err))
    args.out = args.out or osp.join(ROOT, 'benchmarks', 'results', f'dense_suite_{args.suite}.md')
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    import torch
    torch.set_num_threads(1)
    tables, checkpoints = {}, {}
    for name, ckpt in args.row:
        out = run_suite(ckpt, [args.suite], args.work_dir, name,
                        {args.suite: osp.abspath(args.data_root)} if args.data_root else None,
                        args.protocols, tuple(range(args.seeds)), args.layers, args.opts,
                        device=args.device, force=args.force)
        tables[name] = out['table']
        checkpoints[name] = ckpt
    rows = comparison_rows(tables)
    names = [n for n, _ in args.row]
    options = ', '.join(f'{k}={v}' for k, v in args.options)
    preamble = [
        environment(), '',
        'Checkpoints: ' + '; '.join(f'{n}: `{c}`' for n, c in checkpoints.items())
        + f'. Maps: {", ".join(args.layers)}. Seeds 0-{args.seeds - 1} of the seeded protocols '
        '(segment retrieval is deterministic: one run). Protocol settings: the defaults of '
        '`ssl4dp_mm.evaluation.run.FrozenOptions`' + (f' except {options}' if options else '')
        + ' (each row names those that move its numbers). Cost: this machine, one thread; '
        f'the protocols\' recorded seconds add up to {recorded_seconds(tables) / 60:.1f} min '
        '(feature extraction apart).']
    page = render_comparison(rows, names, args.compare,
                             f'Dense evaluation suite on {args.suite}: ' + ', '.join(names),
                             preamble)
    print(page)
    write_results(args.out, page, dict(checkpoints=checkpoints, layers=args.layers,
                                       seeds=args.seeds, compare=args.compare, rows=rows))
    return dict(rows=rows, page=page)


if __name__ == '__main__':
    main()
