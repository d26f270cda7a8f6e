"""Learning curves (loss, mIoU, ...) of several runs from mmengine's JSON logs, in one figure.

    python tools/analysis/plot_curves.py \
        --group "pre-training" --run "w/dec" work_dirs/plmoco_dec --run "w/o dec" work_dirs/plmoco \
        --group "linear probe" --run "w/dec" work_dirs/lp_dec --run "w/o dec" work_dirs/lp \
        --keys loss mIoU --smooth 3 --out work_dirs/analysis/curves.png

A run is an mmengine work dir (its ``<timestamp>/vis_data/scalars.json`` files; resumed launches are
merged), a timestamp folder, a ``scalars.json`` file, or a run of tools/evaluate.py
(``<work-dir>/<name>/<head>_<backbone>_<dataset>/<protocol>/seed<k>``: its ``train/``; with
``--val-interval N`` its mIoU every N iterations). ``--group`` starts a new row of panels; the
runs after it go in that row (without any --group, one row). Each row has one panel per key that one
of its runs logged (pre-training logs have no mIoU). Training keys can be smoothed (--smooth N,
moving average over N logged points); validation metrics are plotted as logged.
"""
import argparse


class _GroupAction(argparse.Action):
    def __call__(self, parser, namespace, values, option_string=None):
        namespace.current_group = values
        namespace.groups.setdefault(values, [])


class _RunAction(argparse.Action):
    def __call__(self, parser, namespace, values, option_string=None):
        namespace.groups.setdefault(namespace.current_group, []).append(tuple(values))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('--group', action=_GroupAction,
                        help='start a row of panels with this title')
    parser.add_argument('--run', nargs=2, action=_RunAction, metavar=('LABEL', 'PATH'),
                        help='a run: legend label and work dir / scalars.json (repeatable)')
    parser.add_argument('--keys', nargs='+', default=['loss', 'mIoU'], help='scalars to plot')
    parser.add_argument('--smooth', type=int, default=1,
                        help='moving-average window (training keys)')
    parser.add_argument('--title', default='', help='figure title')
    parser.add_argument('--out', required=True, help='output PNG')
    parser.set_defaults(groups={}, current_group='')
    args = parser.parse_args(argv)
    args.groups = {name: runs for name, runs in args.groups.items() if runs}
    if not args.groups:
        parser.error('give at least one --run LABEL PATH')
    return args


def main(argv=None):
    args = parse_args(argv)
    from ssl4dp_mm.analysis.curves import latest_value, load_run, plot_curves
    groups = {name: [load_run(label, path) for label, path in runs]
              for name, runs in args.groups.items()}
    plot_curves(groups, args.keys, args.out, smooth=args.smooth, title=args.title)
    for name, runs in groups.items():
        for run in runs:
            last = {k: latest_value(run, k) for k in args.keys}
            shown = ', '.join(f'{k} {v:.4g}' for k, v in last.items() if v is not None)
            print(f'{name + ": " if name else ""}{run.label}: last {shown or "(none of the keys)"} '
                  f'({len(run.files)} log file(s))')
    print(f'wrote {args.out}')
    return args.out


if __name__ == '__main__':
    from ssl4dp_mm.cli import run_tool  # bad input: one line on stderr, exit status 1
    run_tool(main)
