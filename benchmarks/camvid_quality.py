"""CamVid quality benchmark: pre-train each method on CamVid's training images (labels unused), then
LP-100% and FT-10% with the MoCoFCN head; baselines random init, MMSelfSup's MoCo v2 and DenseCL.

    python benchmarks/camvid_quality.py --data-root ../shared/datasets/camvid \
        [--methods plmoco-dec mocov2 ...] [--jobs 1] [--seeds 0 1 2] [--pretrain-seeds 0 1 2] \
        [--paired-seeds] [--frozen lp-convex retrieval knn kmeans] [--work-dir DIR] [--out MD]

Setting (all in configs, so each run can be repeated by hand):

- pre-training: ``configs/selfsup/<method>/*_r18-d8*_1xb16-120i_camvid.py``: ResNet-18-d8, 367
  CamVid train images halved to 240x180, two 128 px views, batch 16, 120 iterations (SGD 0.03,
  cosine), seed 0 (``--pretrain-seeds``: one pre-training per seed, work dir
  ``pretrain/<method>_ps<seed>``);
- LP-100%: ``configs/seg/mocofcn/mocofcn_r18-d8_lp-100i_camvid-half.py`` (only conv_seg learns) for
  checkpoints with a pre-trained MoCoFCN decoder; for backbone-only checkpoints (and random init)
  ``..._camvid-half_linear.py``: conv_seg straight on the backbone map (no random frozen decoder);
- FT-10%: ``configs/seg/mocofcn/mocofcn_r18-d8_ft10-100i_camvid-half.py`` (seeded 37-image split);
  both 100 iterations at batch 8 on 240x180 images, scored on CamVid's 101 val images (methods
  pre-trained with DeepLabv3+, Non-local or PSPNet-256 decoders are evaluated with that head's
  ``configs/seg/<head>/*_camvid-half.py`` leaves instead, ``ssl4dp_mm.benchmarking.camvid_suite``;
  ``random-<head>`` rows fine-tune random init with those heads, FT-10% only, the baselines of the
  decoders' gains in ``claims.decoder_findings``);
- frozen protocols (``--frozen``; no head training): the converged LP-100% probe (L-BFGS), segment
  retrieval, kNN and K-means on the map LP-100% reads, through ``tools/evaluate_frozen.py``.

ViT rows (opt-in, not in the default run: ``--methods vit``, or ``vit-t`` / ``vit-s`` / ``vit-all``
or the names ``<method>[-dec]-vit-<t|s>``, ``camvid_suite.GROUPS``): PLMoCo and DetCon-S (w/o and
w/dec) against image-level MoCo (``mocov2-vit-*``: ``configs/selfsup/mocodec/mocodec_vit-*``,
MoCo v2 w/o dec on the averaged patch tokens) and random init on the same ViT-Tiny/16 or ViT-S/16,
pre-trained by ``configs/selfsup/<method>/*_vit-*_1xb16-120i_camvid.py`` (same data, views and
budget, AdamW); LP-100% ``configs/seg/vit/linear_vit-*_lp-100i_camvid-half.py`` (linear head on
the frozen tokens; w/o dec and random init) or ``fcn_vit-*_lp-100i_camvid-half.py`` (frozen
pre-trained FCN decoder; w/dec), FT-10% ``fcn_vit-*_ft10-100i_camvid-half.py``; frozen protocols on
the last block's patch tokens (``backbone.layers.11``) or the decoder. Their findings (PLMoCo /
DetCon-S > MoCo per encoder and protocol, ...) come under the ResNet ones (``claims.vit_findings``).

    python benchmarks/camvid_quality.py --methods vit --out benchmarks/results/camvid_quality_vit.md

A row's cells are mean ± std over its pre-training seeds (each the mean of its evaluation seeds)
when there are several, so that the spread includes the pre-training run; ``--paired-seeds``
evaluates pre-training seed k with seed k only (LP, FT and the frozen protocols; random init: one
initialisation per seed), one evaluation per checkpoint instead of one per ``--seeds``. The
findings count a difference only when it is beyond twice the combined standard error, and the
frozen protocols' ranking of the rows is compared with LP-100%'s (Spearman).

Each stage is a subprocess (``tools/train.py``, ``tools/evaluate.py``) with its log in the work dir;
a stage whose output exists is skipped, so an interrupted benchmark continues where it stopped;
the wall time it reports is summed over the runs of the work dir (``runner.WallLedger``).
``--jobs N`` runs N methods at once (for a GPU machine; on a CPU keep 1). The table (with the
machine, versions and date) is printed, written to ``--out`` and, as JSON, beside it; the lines
under it check the reference reports' findings on these numbers.
"""
import argparse
import os.path as osp
import sys

from ssl4dp_mm.benchmarking import camvid_report, continued_report, runner, upstream
from ssl4dp_mm.benchmarking.camvid_continued_suite import CONTINUED
from ssl4dp_mm.benchmarking.camvid_continued_suite import GROUPS as CONTINUED_GROUPS
from ssl4dp_mm.benchmarking.camvid_continued_suite import ORDER, UPSTREAM_HEADS, continued_suite
from ssl4dp_mm.benchmarking.camvid_suite import CAMVID, FROZEN, GROUPS, with_protocols
from ssl4dp_mm.benchmarking.results_file import write_results
from ssl4dp_mm.manifest import PROTOCOLS

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data-root', default=osp.join(ROOT, '..', 'shared', 'datasets', 'camvid'))
    parser.add_argument('--work-dir', help='runs and records (default: work_dirs/camvid_quality, '
                        'with --regime continued work_dirs/camvid_continued)')
    parser.add_argument(
        '--regime', choices=['scratch', 'continued'], default='scratch',
        help='scratch: every method from random init (default); continued: every method '
        'continued from the upstream MoCo v2 (built on demand, cached) with the reports\' lr ramp, '
        'plus FT-100%% (rows: ' + ' '.join(ORDER) + '; groups ' + ', '.join(CONTINUED_GROUPS)
        + ')')
    parser.add_argument('--upstream-dir', help='the upstream model\'s work dir (default: '
                        '~/.cache/ssl4dp_mm/upstream/mocov2_r18_imagenet-sample_s<seed>)')
    parser.add_argument('--upstream-data', default=upstream.DEFAULT_DATA_ROOT,
                        help='its image folder (default ../shared/datasets/imagenet-sample)')
    parser.add_argument('--upstream-seed', type=int, default=0)
    parser.add_argument('--upstream-epochs', type=int, help='override its 200 epochs')
    parser.add_argument('--upstream-options', nargs='+', default=[], metavar='KEY=VALUE',
                        help='more --cfg-options of its training (smoke runs)')
    parser.add_argument('--scratch-results', nargs='+',
                        default=[osp.join(ROOT, 'benchmarks', 'results', name) for name in
                                 ('camvid_quality_seeds.json', 'camvid_quality_ft100.json',
                                  'camvid_quality_decoders.json')],
                        help='the from-random-init rows the continued page compares claims with '
                        '(results JSONs; each claim is judged on the first holding its rows)')
    parser.add_argument('--protocols', nargs='+', choices=list(PROTOCOLS),
                        default=['lp', 'ft10'],
                        help='scratch regime: the trained protocols of each row (ft100: FT-100%% '
                        'of the continued regime, on the rows evaluated with MoCoFCN)')
    continued_names = [n for n in ('upstream', *CONTINUED, *UPSTREAM_HEADS, *CONTINUED_GROUPS)
                       if n not in CAMVID.choices()]
    parser.add_argument('--methods', nargs='+', choices=CAMVID.choices() + continued_names,
                        metavar='NAME',
                        help='rows (default: the ResNet rows of camvid_suite.PRIORITY); groups: '
                        + '; '.join(f'{g} = {" ".join(m)}' for g, m in GROUPS.items()
                                    if g != 'vit-all') + '; vit-all = vit and the other ViT-S '
                        'w/dec methods')
    parser.add_argument('--seeds', nargs='+', type=int, default=[0], help='evaluation seeds')
    parser.add_argument('--pretrain-seeds', nargs='+', type=int, default=[0],
                        help='pre-training seeds (each evaluated with every --seeds)')
    parser.add_argument('--paired-seeds', action='store_true',
                        help='evaluate each pre-training seed with that seed only (--seeds is '
                        'ignored); random init: one initialisation per pre-training seed')
    parser.add_argument('--frozen', nargs='*', choices=FROZEN, default=list(FROZEN),
                        help='frozen-feature protocols per checkpoint (none: --frozen alone)')
    parser.add_argument('--frozen-max-images', type=int,
                        help='frozen protocols on the first images of each split only (smoke runs)')
    parser.add_argument('--jobs', type=int, default=1, help='methods run at once')
    parser.add_argument('--workers', type=int, default=4, help='pre-training data workers')
    parser.add_argument('--pretrain-iters', type=int, help='override the 120 iterations')
    parser.add_argument('--eval-iters', type=int, help='override the 100 iterations')
    parser.add_argument('--out', help='the page (default: benchmarks/results/camvid_quality.md, '
                        'with --regime continued camvid_continued.md)')
    args = parser.parse_args(argv)
    # each regime has its own work dir by default: a row name (plmoco-dec) means another
    # pre-training in each, and a stage whose output exists is skipped
    name = 'camvid_continued' if args.regime == 'continued' else 'camvid_quality'
    args.work_dir = args.work_dir or osp.join(ROOT, 'work_dirs', name)
    args.out = args.out or osp.join(ROOT, 'benchmarks', 'results', f'{name}.md')
    if args.regime == 'continued':
        args.methods = args.methods or list(ORDER)
    else:
        args.methods = CAMVID.expand(args.methods or list(CAMVID.default))
    args.data_root = osp.abspath(args.data_root)
    args.work_dir = osp.abspath(args.work_dir)
    for sub in ('img_dir/train', 'img_dir/val', 'ann_dir/val'):
        if not osp.isdir(osp.join(args.data_root, sub)):
            raise SystemExit(f'error: {osp.join(args.data_root, sub)} not found: pass --data-root '
                             'with the CamVid layout of configs/_base_/datasets/camvid_seg.py')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    # the wall time adds up over interrupted, resumed and side-by-side runs of the same work dir
    if args.regime == 'continued':
        ckpt, cost = upstream.build_upstream(args.upstream_dir, args.upstream_data,
                                             args.upstream_seed, max_epochs=args.upstream_epochs,
                                             options=args.upstream_options)
        suite = continued_suite(ckpt)
        results, wall = runner.run_suite(suite, suite.expand(args.methods), args)
        scratch = continued_report.load_scratch(args.scratch_results)
        env = camvid_report.environment()
        page = continued_report.render(results, args, wall, env, cost, scratch)
        data = continued_report.page_record(results, args, wall, env, cost, scratch)
    else:
        results, wall = runner.run_suite(with_protocols(CAMVID, args.protocols), args.methods,
                                         args)
        page = camvid_report.render(results, args, wall, camvid_report.environment())
        data = results
    print(page)
    write_results(args.out, page, data)
    runner.log(f'wrote {args.out}')
    return 1 if runner.failed(results) else 0


if __name__ == '__main__':
    sys.exit(main())
