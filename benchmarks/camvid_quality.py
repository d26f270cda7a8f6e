"""CamVid quality benchmark: pre-train each method on CamVid's training images (labels unused), then
LP-100% and FT-10% with the MoCoFCN head; baselines random init, MMSelfSup's MoCo v2 and DenseCL.

    python benchmarks/camvid_quality.py --data-root ../shared/datasets/camvid \
        [--methods plmoco-dec mocov2 ...] [--jobs 1] [--seeds 0] [--work-dir DIR] [--out MD]

Setting (all in configs, so each run can be repeated by hand):

- pre-training: ``configs/selfsup/camvid/*_1xb16-120i_camvid.py``: ResNet-18-d8, 367 CamVid train
  images halved to 240x180, two 128 px views, batch 16, 120 iterations (SGD 0.03, cosine), seed 0;
- LP-100%: ``configs/seg/mocofcn/mocofcn_r18-d8_lp-100i_camvid-half.py`` (only conv_seg learns) for
  checkpoints with a pre-trained MoCoFCN decoder; for backbone-only checkpoints (and random init)
  ``..._camvid-half_linear.py``: conv_seg straight on the backbone map (no random frozen decoder);
- FT-10%: ``configs/seg/mocofcn/mocofcn_r18-d8_ft10-100i_camvid-half.py`` (seeded 37-image split);
  both 100 iterations at batch 8 on 240x180 images, scored on CamVid's 101 val images.

Each stage is a subprocess (``tools/train.py``, ``tools/evaluate.py``) with its log in the work dir;
a stage whose output exists is skipped, so an interrupted benchmark continues where it stopped.
``--jobs N`` runs N methods at once (for a GPU machine; on a CPU keep 1). The table (with the
machine, versions and date) is printed, written to ``--out`` and, as JSON, beside it; the lines under
it check the reference reports' findings on these numbers.
"""
import argparse
import glob
import json
import os
import os.path as osp
import platform
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
SELFSUP = osp.join(ROOT, 'configs', 'selfsup', 'camvid')
SEG = osp.join(ROOT, 'configs', 'seg', 'mocofcn')
LP_DEC = osp.join(SEG, 'mocofcn_r18-d8_lp-100i_camvid-half.py')
LP_LINEAR = osp.join(SEG, 'mocofcn_r18-d8_lp-100i_camvid-half_linear.py')
FT10 = osp.join(SEG, 'mocofcn_r18-d8_ft10-100i_camvid-half.py')

# name: (pre-training config or None, has a pre-trained decoder, level, contrastive, label)
METHODS = {
    'random': (None, False, 'none', None, 'random init'),
    'mocov2': ('mocov2_r18-d8_1xb16-120i_camvid.py', False, 'image', True, 'MoCo v2 (MMSelfSup)'),
    'densecl': ('densecl_r18-d8_1xb16-120i_camvid.py', False, 'patch', True, 'DenseCL (MMSelfSup)'),
    'mocodec-dec': ('mocodec_r18-d8-mocofcn_1xb16-120i_camvid.py', True, 'image', True,
                    'MoCo w/dec'),
    'plmoco': ('plmoco_r18-d8_1xb16-120i_camvid.py', False, 'patch', True, 'PLMoCo w/o dec'),
    'plmoco-dec': ('plmoco_r18-d8-mocofcn_1xb16-120i_camvid.py', True, 'patch', True,
                   'PLMoCo w/dec'),
    'plmocoplus-dec': ('plmocoplus_r18-d8-mocofcn_1xb16-120i_camvid.py', True, 'patch', True,
                       'PLMoCo+ w/dec'),
    'plsiam-dec': ('plsiam_r18-d8-mocofcn_1xb16-120i_camvid.py', True, 'patch', False,
                   'PLSiam w/dec'),
    'prcl-dec': ('prcl_r18-d8-mocofcn_1xb16-120i_camvid.py', True, 'patch', True, 'PRCL w/dec'),
    'p2vec-dec': ('p2vec_r18-d8-mocofcn_1xb16-120i_camvid.py', True, 'patch', True, 'P2Vec w/dec'),
    'plr-dec': ('plr_r18-d8-mocofcn_1xb16-120i_camvid.py', True, 'patch', False,
                'Patch rotation w/dec'),
    'mocomc-dec': ('mocomc_r18-d8-mocofcn_1xb16-120i_camvid.py', True, 'image', True,
                   'MoCo w/dec + multi-crop, AutoAugment, kNN'),
    'rlmoco-dec': ('rlmoco_r18-d8-mocofcn_1xb16-120i_camvid.py', True, 'region', True,
                   'RLMoCo w/dec'),
    'detcons-dec': ('detcons_r18-d8-mocofcn_1xb16-120i_camvid.py', True, 'region', True,
                    'DetCon-S w/dec'),
    'detconb-dec': ('detconb_r18-d8-mocofcn_1xb16-120i_camvid.py', True, 'region', False,
                    'DetCon-B w/dec'),
}
# variants of a method: name -> (method, --cfg-options of its pre-training, label). The PLMoCo
# family's near-positive handling ('exclude' by default since the chunked loss; 'negative' is the
# loss before) and its sampled in-batch negatives (4096 key cells per step at batch 16 and 128 px
# views: a quarter of them)
VARIANTS = {
    'plmoco-dec-nearneg': ('plmoco-dec', ['model.near_positives=negative'],
                           'PLMoCo w/dec, near cells negatives (before)'),
    'plmoco-nearneg': ('plmoco', ['model.near_positives=negative'],
                       'PLMoCo w/o dec, near cells negatives (before)'),
    'plmocoplus-dec-nearneg': ('plmocoplus-dec', ['model.near_positives=negative'],
                               'PLMoCo+ w/dec, near cells negatives (before)'),
    'plmoco-dec-nearpos': ('plmoco-dec', ['model.near_positives=positive'],
                           'PLMoCo w/dec, near cells positives'),
    'plmoco-dec-neg1024': ('plmoco-dec', ['model.num_batch_negatives=1024'],
                           'PLMoCo w/dec, 1024 sampled batch negatives'),
}
for _name, (_method, _opts, _label) in VARIANTS.items():
    METHODS[_name] = METHODS[_method][:4] + (_label, )

# run in this order: what the three findings compare first, the other methods after
PRIORITY = ('random', 'plmoco-dec', 'plmoco', 'mocov2', 'densecl', 'mocodec-dec', 'plsiam-dec',
            'detcons-dec', 'detconb-dec', 'rlmoco-dec', 'plmocoplus-dec', 'prcl-dec', 'p2vec-dec',
            'plr-dec', 'mocomc-dec')
PROTOCOLS = ('lp', 'ft10')
COLUMNS = {'lp': 'LP-100%', 'ft10': 'FT-10%'}


def log(msg: str) -> None:
    print(f'[camvid_quality {time.strftime("%H:%M:%S")}] {msg}', flush=True)


def run(cmd: list, logfile: str, env: dict) -> float:
    """Run one stage, its output into ``logfile``; raise naming the log on failure."""
    os.makedirs(osp.dirname(logfile), exist_ok=True)
    start = time.time()
    with open(logfile, 'w') as f:
        f.write('$ ' + ' '.join(cmd) + '\n')
        f.flush()
        proc = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
    if proc.returncode:
        with open(logfile) as f:
            tail = ''.join(f.readlines()[-15:])
        raise RuntimeError(f'{cmd[1]} failed (exit {proc.returncode}); log {logfile}:\n{tail}')
    return time.time() - start


def last_scalar(work_dir: str, key: str):
    """The last logged value of ``key`` in a run's ``vis_data/scalars.json`` (None if absent)."""
    value = None
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path) as f:
            for line in f:
                record = json.loads(line)
                if key in record:
                    value = record[key]
    return value


def pretrain(name: str, args, env: dict) -> dict:
    config = osp.join(SELFSUP, METHODS[name][0])
    variant_opts = VARIANTS[name][1] if name in VARIANTS else []
    work_dir = osp.join(args.work_dir, 'pretrain', name)
    done = osp.join(work_dir, 'pretrain_result.json')
    if osp.isfile(done):
        with open(done) as f:
            return json.load(f)
    opts = [f'train_dataloader.dataset.data_root={args.data_root}',
            f'train_dataloader.num_workers={args.workers}',
            f'train_dataloader.persistent_workers={args.workers > 0}']
    if args.pretrain_iters:
        opts += [f'train_cfg.max_iters={args.pretrain_iters}',
                 f'param_scheduler.0.T_max={args.pretrain_iters}',
                 f'param_scheduler.0.end={args.pretrain_iters}']
    opts += variant_opts
    cmd = [sys.executable, 'tools/train.py', config, '--work-dir', work_dir, '--cfg-options', *opts]
    log(f'{name}: pre-training ({osp.relpath(config, ROOT)})')
    seconds = run(cmd, osp.join(work_dir, 'pretrain.log'), env)
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        checkpoint = f.read().strip()
    result = dict(checkpoint=checkpoint, seconds=round(seconds, 1),
                  iters=int(osp.basename(checkpoint)[5:-4]),
                  final_loss=last_scalar(work_dir, 'loss'))
    with open(done, 'w') as f:
        json.dump(result, f, indent=1)
    log(f'{name}: pre-trained in {seconds:.0f} s, final loss {result["final_loss"]}')
    return result


def evaluate(name: str, checkpoint: str, protocol: str, args, env: dict) -> list:
    has_decoder = METHODS[name][1]
    leaf = {'ft10': FT10, 'lp': LP_DEC if has_decoder else LP_LINEAR}[protocol]
    eval_dir = osp.join(args.work_dir, 'eval')
    cmd = [sys.executable, 'tools/evaluate.py', checkpoint, '--head', 'mocofcn', '--protocol',
           protocol, '--dataset', 'camvid', '--data-root', args.data_root, '--config', leaf,
           '--name', name, '--work-dir', eval_dir, '--seeds', *map(str, args.seeds),
           '--delete-checkpoints']
    if args.eval_iters:
        cmd += ['--iters', str(args.eval_iters)]
    patterns = [osp.join(eval_dir, name, '*', protocol, f'seed{seed}', 'eval_result.json')
                for seed in args.seeds]
    if not all(glob.glob(p) for p in patterns):  # evaluate.py itself skips recorded seeds
        log(f'{name}: {COLUMNS[protocol]} ({osp.basename(leaf)})')
        run(cmd, osp.join(eval_dir, 'logs', f'{name}_{protocol}.log'), env)
    records = []
    for pattern in patterns:
        paths = glob.glob(pattern)
        if not paths:
            raise RuntimeError(f'no record {pattern} after the evaluation of {name}')
        with open(paths[0]) as f:
            records.append(json.load(f))
    log(f'{name}: {COLUMNS[protocol]} mIoU ' + ', '.join(f'{r["mIoU"]:.2f}' for r in records))
    return records


def run_method(name: str, args, env: dict) -> dict:
    result = dict(name=name, label=METHODS[name][4], decoder=METHODS[name][1],
                  level=METHODS[name][2], contrastive=METHODS[name][3])
    try:
        if METHODS[name][0] is None:
            checkpoint = 'none'
        else:
            result['pretrain'] = pretrain(name, args, env)
            checkpoint = result['pretrain']['checkpoint']
        for protocol in PROTOCOLS:
            records = evaluate(name, checkpoint, protocol, args, env)
            result[protocol] = [r['mIoU'] for r in records]
    except RuntimeError as err:
        log(f'{name}: FAILED: {err}')
        result['error'] = str(err).splitlines()[0]
    return result


def mean(values):
    return sum(values) / len(values) if values else None


def cell(values) -> str:
    if not values:
        return '–'
    if len(values) == 1:
        return f'{values[0]:.2f}'
    return f'{mean(values):.2f} ± {std(values):.2f}'


def findings(results: dict) -> list:
    """Check the reference reports' three findings on the measured means."""
    def score(name, protocol):
        r = results.get(name, {})
        return mean(r.get(protocol, []))

    def compare(a, b, protocol):
        sa, sb = score(a, protocol), score(b, protocol)
        if sa is None or sb is None:
            return None, f'{a} vs {b}: not measured'
        return sa > sb, f'{results[a]["label"]} {sa:.2f} vs {results[b]["label"]} {sb:.2f}'

    lines = []
    pairs = [('plmoco-dec', 'plmoco'), ('mocodec-dec', 'mocov2')]
    for protocol in PROTOCOLS:
        checks = [compare(a, b, protocol) for a, b in pairs]
        lines.append(f'- Pre-training with a decoder helps ({COLUMNS[protocol]}): {verdict(checks)} '
                     f'({"; ".join(c[1] for c in checks)}).')

    def level_mean(level, protocol, contrastive=None):
        vals = [score(n, protocol) for n, r in results.items()
                if r['level'] == level and score(n, protocol) is not None and n not in VARIANTS
                and (contrastive is None or r['contrastive'] == contrastive)]
        return mean(vals), len(vals)

    patch, n_patch = level_mean('patch', 'lp', contrastive=True)
    image, n_image = level_mean('image', 'lp', contrastive=True)
    checks = [compare('plmoco-dec', 'mocodec-dec', 'lp'), compare('plmoco', 'mocov2', 'lp'),
              compare('densecl', 'mocov2', 'lp')]
    if patch is not None and image is not None:
        checks.append((patch > image, f'mean of {n_patch} contrastive patch-level runs {patch:.2f} '
                                      f'vs {n_image} image-level {image:.2f}'))
    lines.append(f'- Patch-level beats image-level in linear probe: {verdict(checks)} '
                 f'({"; ".join(c[1] for c in checks)}).')
    checks = [compare('plmoco-dec', 'plsiam-dec', 'lp'), compare('detcons-dec', 'detconb-dec', 'lp')]
    lines.append(f'- Non-contrastive methods trail their contrastive counterparts in linear probe: '
                 f'{verdict(checks)} ({"; ".join(c[1] for c in checks)}).')
    return lines


def verdict(checks: list) -> str:
    """'holds' / 'mixed' / 'does not hold' over the measured checks; 'not measured' if none was."""
    held = [c[0] for c in checks if c[0] is not None]
    if not held:
        return 'not measured'
    return 'holds' if all(held) else 'mixed' if any(held) else 'does not hold'


def std(values) -> float:
    m = mean(values)
    return (sum((v - m) ** 2 for v in values) / (len(values) - 1)) ** 0.5 if len(values) > 1 else 0.


def variant_findings(results: dict) -> list:
    """Each variant against its method (both measured): the difference of the means and whether
    it is larger than twice their combined standard error (over the evaluation seeds)."""
    lines = []
    for name, (method, _, _) in VARIANTS.items():
        if name not in results or method not in results:
            continue
        for protocol in PROTOCOLS:
            a, b = results[method].get(protocol), results[name].get(protocol)
            if not a or not b:
                continue
            diff = mean(a) - mean(b)
            se = (std(a) ** 2 / len(a) + std(b) ** 2 / len(b)) ** 0.5
            if len(a) < 2 or len(b) < 2:
                judged = 'one seed: no spread to judge by'
            elif abs(diff) > 2 * se:
                judged = f'larger than twice the combined standard error ({2 * se:.2f}): a finding'
            else:
                judged = f'within twice the combined standard error ({2 * se:.2f}): not a finding'
            lines.append(f'- {COLUMNS[protocol]}: {results[method]["label"]} {cell(a)} vs '
                         f'{results[name]["label"]} {cell(b)}: {diff:+.2f}, {judged}.')
    return lines


def environment() -> str:
    import mmengine
    import mmselfsup
    import mmseg
    import torch
    device = (torch.cuda.get_device_name(0) if torch.cuda.is_available() else
              f'CPU, {os.cpu_count()} cores')
    return (f'{date.today().isoformat()} · {platform.node()} · {platform.machine()} · {device} · '
            f'torch {torch.__version__} · mmengine {mmengine.__version__} · mmseg '
            f'{mmseg.__version__} · mmselfsup {mmselfsup.__version__}')


def write_table(results: dict, args, wall: float) -> str:
    lines = ['# CamVid quality benchmark: ResNet-18-d8, MoCoFCN head, val mIoU (%)', '',
             environment(), '',
             f'Pre-training: CamVid train images (367, labels unused) at 240x180, 128 px views, '
             f'batch 16, {args.pretrain_iters or 120} iterations, seed 0. Evaluation at 240x180 '
             f'(scored at 480x360): LP-100% and FT-10% (37 images, seeded split), '
             f'{args.eval_iters or 100} iterations at batch 8, training seeds '
             f'{", ".join(map(str, args.seeds))}. LP-100% of checkpoints without a decoder (and of '
             'random init) reads the backbone map directly. Benchmark wall time on this machine (all stages, summed over resumed runs): '
             f'{wall / 60:.1f} min (**machine-dependent**; the mIoU are the result).', '',
             '| pre-training | decoder | level | contrastive | LP-100% | FT-10% | pre-train s | '
             'final loss |', '|---|---|---|---|---|---|---|---|']
    for name, r in results.items():
        pre = r.get('pretrain', {})
        loss = pre.get('final_loss')
        lines.append(
            f'| {r["label"]} | {"yes" if r["decoder"] else "no"} | {r["level"]} | '
            f'{"–" if r["contrastive"] is None else "yes" if r["contrastive"] else "no"} | '
            f'{cell(r.get("lp"))} | {cell(r.get("ft10"))} | {pre.get("seconds", "–")} | '
            f'{"–" if loss is None else f"{loss:.3f}"} |'
            + (f' failed: {r["error"]}' if 'error' in r else ''))
    lines += ['', 'Reference findings at this scale (computed from the table):', '',
              *findings(results)]
    variants = variant_findings(results)
    if variants:
        lines += ['', 'Variants against their method (mean ± std over the evaluation seeds; '
                  'pre-training seed 0 for both):', '', *variants]
    return '\n'.join(lines) + '\n'


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data-root', default=osp.join(ROOT, '..', 'shared', 'datasets', 'camvid'))
    parser.add_argument('--work-dir', default=osp.join(ROOT, 'work_dirs', 'camvid_quality'))
    parser.add_argument('--methods', nargs='+', choices=list(METHODS), default=list(PRIORITY))
    parser.add_argument('--seeds', nargs='+', type=int, default=[0], help='evaluation seeds')
    parser.add_argument('--jobs', type=int, default=1, help='methods run at once')
    parser.add_argument('--workers', type=int, default=4, help='pre-training data workers')
    parser.add_argument('--pretrain-iters', type=int, help='override the 120 iterations')
    parser.add_argument('--eval-iters', type=int, help='override the 100 iterations')
    parser.add_argument('--out', default=osp.join(ROOT, 'benchmarks', 'results', 'camvid_quality.md'))
    args = parser.parse_args()
    args.data_root = osp.abspath(args.data_root)
    args.work_dir = osp.abspath(args.work_dir)
    for sub in ('img_dir/train', 'img_dir/val', 'ann_dir/val'):
        if not osp.isdir(osp.join(args.data_root, sub)):
            raise SystemExit(f'error: {osp.join(args.data_root, sub)} not found: pass --data-root '
                             'with the CamVid layout of configs/_base_/datasets/camvid_seg.py')
    env = dict(os.environ)
    if args.jobs > 1 and 'OMP_NUM_THREADS' not in env:
        env['OMP_NUM_THREADS'] = str(max(1, (os.cpu_count() or 1) // args.jobs))
    start = time.time()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        done = list(pool.map(lambda n: run_method(n, args, env), args.methods))
    results = {r['name']: r for r in done}
    # the wall time adds up over interrupted and resumed runs of the same work dir
    wall_file = osp.join(args.work_dir, 'wall_seconds.json')
    wall = time.time() - start
    if osp.isfile(wall_file):
        with open(wall_file) as f:
            wall += json.load(f)['wall_s']
    os.makedirs(args.work_dir, exist_ok=True)
    with open(wall_file, 'w') as f:
        json.dump(dict(wall_s=wall), f)
    table = write_table(results, args, wall)
    print(table)
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    with open(args.out, 'w') as f:
        f.write(table)
    with open(osp.splitext(args.out)[0] + '.json', 'w') as f:
        json.dump(results, f, indent=1)
    log(f'wrote {args.out}')
    return 1 if any('error' in r for r in done) else 0


if __name__ == '__main__':
    sys.exit(main())
