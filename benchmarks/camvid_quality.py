"""CamVid quality benchmark: pre-train each method on CamVid's training images (labels unused), then
LP-100% and FT-10% with the MoCoFCN head; baselines random init, MMSelfSup's MoCo v2 and DenseCL.

    python benchmarks/camvid_quality.py --data-root ../shared/datasets/camvid \
        [--methods plmoco-dec mocov2 ...] [--jobs 1] [--seeds 0 1 2] [--pretrain-seeds 0 1 2] \
        [--paired-seeds] [--frozen lp-convex retrieval knn kmeans] [--work-dir DIR] [--out MD]

Setting (all in configs, so each run can be repeated by hand):

- pre-training: ``configs/selfsup/camvid/*_1xb16-120i_camvid.py``: ResNet-18-d8, 367 CamVid train
  images halved to 240x180, two 128 px views, batch 16, 120 iterations (SGD 0.03, cosine), seed 0
  (``--pretrain-seeds``: one pre-training per seed, work dir ``pretrain/<method>_ps<seed>``);
- LP-100%: ``configs/seg/mocofcn/mocofcn_r18-d8_lp-100i_camvid-half.py`` (only conv_seg learns) for
  checkpoints with a pre-trained MoCoFCN decoder; for backbone-only checkpoints (and random init)
  ``..._camvid-half_linear.py``: conv_seg straight on the backbone map (no random frozen decoder);
- FT-10%: ``configs/seg/mocofcn/mocofcn_r18-d8_ft10-100i_camvid-half.py`` (seeded 37-image split);
  both 100 iterations at batch 8 on 240x180 images, scored on CamVid's 101 val images (methods
  pre-trained with DeepLabv3+, Non-local or PSPNet-256 decoders are evaluated with that head's
  ``configs/seg/<head>/*_camvid-half.py`` leaves instead, :func:`leaves`; ``random-<head>``
  rows fine-tune random init with those heads, FT-10% only, the baselines of the decoders' gains
  in :func:`decoder_findings`);
- frozen protocols (``--frozen``; no head training): the converged LP-100% probe (L-BFGS), segment
  retrieval, kNN and K-means on the map LP-100% reads, through ``tools/evaluate_frozen.py``.

ViT rows (opt-in, not in the default run: ``--methods vit``, or ``vit-t`` / ``vit-s`` / ``vit-all``
or the names ``<method>[-dec]-vit-<t|s>``, :data:`GROUPS`): PLMoCo and DetCon-S (w/o and w/dec)
against image-level MoCo (``mocov2-vit-*``: ``configs/selfsup/vit/mocodec_vit-*``, MoCo v2 w/o dec
on the averaged patch tokens) and random init on the same ViT-Tiny/16 or ViT-S/16, pre-trained by
``configs/selfsup/vit/*_1xb16-120i_camvid.py`` (same data, views and budget, AdamW); LP-100%
``configs/seg/vit/linear_vit-*_lp-100i_camvid-half.py`` (linear head on the frozen tokens; w/o dec
and random init) or ``fcn_vit-*_lp-100i_camvid-half.py`` (frozen pre-trained FCN decoder; w/dec),
FT-10% ``fcn_vit-*_ft10-100i_camvid-half.py``; frozen protocols on the last block's patch tokens
(``backbone.layers.11``) or the decoder. Their findings (PLMoCo / DetCon-S > MoCo per encoder and
protocol, ...) come under the ResNet ones (:func:`vit_findings`).

    python benchmarks/camvid_quality.py --methods vit --out benchmarks/results/camvid_quality_vit.md

A row's cells are mean ± std over its pre-training seeds (each the mean of its evaluation seeds)
when there are several, so that the spread includes the pre-training run; ``--paired-seeds``
evaluates pre-training seed k with seed k only (LP, FT and the frozen protocols; random init: one
initialisation per seed), one evaluation per checkpoint instead of one per ``--seeds``. The
findings count a difference only when it is beyond twice the combined standard error, and the
frozen protocols' ranking of the rows is compared with LP-100%'s (Spearman).

Each stage is a subprocess (``tools/train.py``, ``tools/evaluate.py``) with its log in the work dir;
a stage whose output exists is skipped, so an interrupted benchmark continues where it stopped;
the wall time it reports is summed over the runs of the work dir (:class:`WallLedger`).
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
import threading
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
# the report's other decoders (issue 14) and the 1/100 encoder-lr variants, pre-trained and
# evaluated with their own head (DECODER_HEADS)
METHODS.update({
    'plmoco-dec-dlv3p': ('plmoco_r18-d8-dlv3p_1xb16-120i_camvid.py', True, 'patch', True,
                         'PLMoCo w/dec (DeepLabv3+)'),
    'plmoco-dec-nl': ('plmoco_r18-d8-nl_1xb16-120i_camvid.py', True, 'patch', True,
                      'PLMoCo w/dec (Non-local)'),
    'plmoco-dec-psp256': ('plmoco_r18-d8-psp256_1xb16-120i_camvid.py', True, 'patch', True,
                          'PLMoCo w/dec (PSPNet-256)'),
    'mocodec-dec-dlv3p': ('mocodec_r18-d8-dlv3p_1xb16-120i_camvid.py', True, 'image', True,
                          'MoCo w/dec (DeepLabv3+)'),
    'mocodec-dec-nl': ('mocodec_r18-d8-nl_1xb16-120i_camvid.py', True, 'image', True,
                       'MoCo w/dec (Non-local)'),
    'mocodec-dec-psp256': ('mocodec_r18-d8-psp256_1xb16-120i_camvid.py', True, 'image', True,
                           'MoCo w/dec (PSPNet-256)'),
    'edmoco-dec': ('edmoco_r18-d8-mocofcn_1xb16-120i_camvid.py', True, 'image', True,
                   'EDMoCo (MoCo w/dec, encoder lr x0.01)'),
    'pledmoco-dec': ('pledmoco_r18-d8-mocofcn_1xb16-120i_camvid.py', True, 'patch', True,
                     'PLEDMoCo (PLMoCo w/dec, encoder lr x0.01)'),
})
# decoder -> (tools/evaluate.py --head, configs/seg folder); the others use MoCoFCN
DECODER_HEADS = {'dlv3p': ('dlv3p', 'deeplabv3plus'), 'nl': ('nl', 'nonlocal'),
                 'psp256': ('psp256', 'pspnet256')}
DECODER_LABELS = {'dlv3p': 'DeepLabv3+', 'nl': 'Non-local', 'psp256': 'PSPNet-256'}
# random init fine-tuned with each of those heads: the FT-10% baseline of a decoder's gain
# (decoder_findings). FT-10% only: LP-100% of random init reads the backbone map for every head
# (the 'random' row), a probe through a random frozen decoder is not a baseline the table uses
for _decoder, _label in DECODER_LABELS.items():
    METHODS[f'random-{_decoder}'] = (None, False, 'none', None, f'random init ({_label} head)')
ROW_PROTOCOLS = {f'random-{d}': ('ft10', ) for d in DECODER_LABELS}
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

# ViT rows (issue 17, docs/vit.md): the same CamVid pre-training (367 images at 240x180, 128 px
# views: 8 x 8 tokens, batch 16, 120 iterations; AdamW) on MMSeg's VisionTransformer, ViT-Tiny/16
# and ViT-S/16, w/o dec (the last block's patch tokens are the cells) and w/dec (FCN decoder on
# them), configs/selfsup/vit/. MoCo is the image-level reference on the same encoder
# (mocodec_vit-*: MoCo v2 w/o dec, the patch tokens averaged into one vector). Evaluated with the
# ViT leaves (vit_leaves): LP-100% through a linear head on the frozen tokens (w/o dec, random init)
# or through the frozen pre-trained FCN decoder (w/dec); FT-10% with the FCN decoder (layer-wise lr
# decay). Names: <method>[-dec]-vit-<t|s>.
SELFSUP_VIT = osp.join(ROOT, 'configs', 'selfsup', 'vit')
SEG_VIT = osp.join(ROOT, 'configs', 'seg', 'vit')
# size of the names -> (config tag, label)
VIT_SIZES = {'t': ('t16', 'ViT-T/16'), 's': ('s16', 'ViT-S/16')}
# method of the names -> (config file prefix, level, contrastive, label); the rows are the
# (method, size, decoder) of VIT_ROWS
VIT_METHODS = {
    'random': (None, 'none', None, 'random init'),
    'mocov2': ('mocodec', 'image', True, 'MoCo'),
    'plmoco': ('plmoco', 'patch', True, 'PLMoCo'),
    'detcons': ('detcons', 'region', True, 'DetCon-S'),
    'detconb': ('detconb', 'region', False, 'DetCon-B'),
    'plmocoplus': ('plmocoplus', 'patch', True, 'PLMoCo+'),
    'plsiam': ('plsiam', 'patch', False, 'PLSiam'),
    'prcl': ('prcl', 'patch', True, 'PRCL'),
}
# (method, size, with decoder): the configs that exist (ViT-S has more w/dec methods)
VIT_ROWS = [(m, z, False) for z in 'ts' for m in ('random', 'mocov2', 'plmoco', 'detcons')] + \
    [(m, z, True) for z in 'ts' for m in ('plmoco', 'detcons')] + \
    [(m, 's', True) for m in ('detconb', 'plmocoplus', 'plsiam', 'prcl')]
VIT = {}  # name -> (method, size, with decoder)
for _method, _size, _dec in VIT_ROWS:
    _prefix, _level, _contrastive, _label = VIT_METHODS[_method]
    _name = f'{_method}{"-dec" if _dec else ""}-vit-{_size}'
    _tag, _size_label = VIT_SIZES[_size]
    _config = None if _prefix is None else osp.join(  # absolute: osp.join(SELFSUP, it) is it
        SELFSUP_VIT, f'{_prefix}_vit-{_tag}{"-fcn" if _dec else ""}_1xb16-120i_camvid.py')
    if _prefix is None:
        _row_label = f'{_label}, {_size_label}'
    else:
        _row_label = (f'{_label} {"w/dec (FCN)" if _dec else "w/o dec"}'
                      f'{" (mean patch token)" if _level == "image" else ""}, {_size_label}')
    METHODS[_name] = (_config, _dec, _level, _contrastive, _row_label)
    VIT[_name] = (_method, _size, _dec)
# the token map the frozen protocols read for ViT rows without a decoder (tools/evaluate_frozen.py)
VIT_TOKEN_LAYER = 'backbone.layers.11'
# opt-in groups of --methods (not in the default run: the ViT rows roughly double it), in run
# order: per size, what the ViT findings compare (random init first: no pre-training)
VIT_CORE = ('random', 'plmoco', 'mocov2', 'detcons', 'plmoco-dec', 'detcons-dec')
GROUPS = {
    'vit-t': tuple(f'{m}-vit-t' for m in VIT_CORE),
    'vit-s': tuple(f'{m}-vit-s' for m in VIT_CORE),
}
GROUPS['vit'] = GROUPS['vit-t'] + GROUPS['vit-s']
GROUPS['vit-all'] = GROUPS['vit'] + tuple(n for n in VIT if n not in GROUPS['vit'])

# run in this order: what the three findings compare first, the other methods after
PRIORITY = ('random', 'plmoco-dec', 'plmoco', 'mocov2', 'densecl', 'mocodec-dec', 'plsiam-dec',
            'detcons-dec', 'detconb-dec', 'rlmoco-dec', 'plmocoplus-dec', 'prcl-dec', 'p2vec-dec',
            'plr-dec', 'mocomc-dec', 'plmoco-dec-dlv3p', 'plmoco-dec-nl', 'plmoco-dec-psp256',
            'mocodec-dec-dlv3p', 'mocodec-dec-nl', 'mocodec-dec-psp256', 'edmoco-dec',
            'pledmoco-dec', 'random-dlv3p', 'random-nl', 'random-psp256')
PROTOCOLS = ('lp', 'ft10')
COLUMNS = {'lp': 'LP-100%', 'ft10': 'FT-10%'}
# frozen-feature protocols on the map LP-100% reads (no head training; one seed each): the converged
# probe, segment retrieval, kNN, K-means (K = #classes, Hungarian)
FROZEN = ('lp-convex', 'retrieval', 'knn', 'kmeans')
FROZEN_COLUMNS = {'lp-convex': 'LP-convex', 'retrieval': 'retrieval', 'knn': 'kNN',
                  'kmeans': 'K-means'}
# their cost settings on CamVid (docs/evaluation.md, "Measured on CamVid"): 128 train pixels per
# image for the probe, a 50,000-cell kNN bank, one K-means factor and initialisation
FROZEN_OPTIONS = ['--probe-pixels', '128', '--max-bank', '50000', '--kmeans-factors', '1',
                  '--kmeans-n-init', '1']


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


def union_seconds(intervals) -> float:
    """Length of the union of ``(start, end)`` intervals, in seconds (overlaps counted once)."""
    total, reach = 0.0, None
    for start, end in sorted(intervals):
        if reach is None or start > reach:
            total += end - start
            reach = end
        elif end > reach:
            total += end - reach
            reach = end
    return total


class WallLedger:
    """Wall time of the benchmark summed over the runs of one work dir.

    Each run keeps its interval in ``<work_dir>/wall/<start>-<pid>.json`` and renews its end every
    ``period`` seconds, so a run that is killed counts up to its last renewal; runs side by side on
    the same work dir (disjoint methods or seeds) count once, as the union of their intervals. The
    ``wall_seconds.json`` that earlier versions summed finished runs into is added as it stands.

    Args:
        work_dir (str): the benchmark's work dir.
        period (float): seconds between renewals. Defaults to 60.0.
    """

    def __init__(self, work_dir: str, period: float = 60.0):
        self.folder = osp.join(work_dir, 'wall')
        self.legacy = osp.join(work_dir, 'wall_seconds.json')
        self.period = period
        self.start = time.time()
        self.path = osp.join(self.folder, f'{int(self.start)}-{os.getpid()}.json')
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._renew, daemon=True)

    def __enter__(self):
        os.makedirs(self.folder, exist_ok=True)
        self.write()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.write()

    def _renew(self):
        while not self._stop.wait(self.period):
            self.write()

    def write(self):
        """Record this run's interval up to now (atomically: a kill leaves the last record)."""
        tmp = self.path + '.tmp'
        with open(tmp, 'w') as f:
            json.dump(dict(start=self.start, end=time.time(), pid=os.getpid()), f)
        os.replace(tmp, self.path)

    def total(self) -> float:
        """Seconds over all recorded runs of the work dir, this one up to its last record."""
        intervals = []
        for path in glob.glob(osp.join(self.folder, '*.json')):
            with open(path) as f:
                record = json.load(f)
            intervals.append((record['start'], record['end']))
        legacy = 0.0
        if osp.isfile(self.legacy):
            with open(self.legacy) as f:
                legacy = json.load(f)['wall_s']
        return legacy + union_seconds(intervals)


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


def expand_methods(names) -> list:
    """``--methods``: the groups of :data:`GROUPS` expanded, each name once, in order."""
    out = []
    for name in names:
        for one in GROUPS.get(name, (name, )):
            if one not in out:
                out.append(one)
    return out


def vit_leaves(name: str) -> tuple:
    """(``--head``, LP-100% leaf, FT-10% leaf) of a ViT row: LP through the linear head on the
    frozen tokens (``linear_vit-*``) without a pre-trained decoder, through the frozen FCN decoder
    (``fcn_vit-*_lp``) with one; FT-10% ``fcn_vit-*_ft10`` (the records' head tag stays mocofcn,
    the one tools/evaluate.py takes with ``--config``; the run name tells the rows apart)."""
    _, size, dec = VIT[name]
    tag = VIT_SIZES[size][0]
    lp = f'{"fcn" if dec else "linear"}_vit-{tag}_lp-100i_camvid-half.py'
    return ('mocofcn', osp.join(SEG_VIT, lp),
            osp.join(SEG_VIT, f'fcn_vit-{tag}_ft10-100i_camvid-half.py'))


def leaves(name: str) -> tuple:
    """(``--head`` of tools/evaluate.py, LP-100% leaf, FT-10% leaf) of a method: its own head for the
    decoders of :data:`DECODER_HEADS`, else MoCoFCN (LP through conv_seg straight on the backbone
    map for checkpoints without a decoder); ViT rows: :func:`vit_leaves`."""
    if name in VIT:
        return vit_leaves(name)
    method = VARIANTS[name][0] if name in VARIANTS else name
    decoder = method.rsplit('-', 1)[-1]
    if decoder in DECODER_HEADS:
        head, folder = DECODER_HEADS[decoder]
        seg = osp.join(ROOT, 'configs', 'seg', folder)
        return (head, osp.join(seg, f'{folder}_r18-d8_lp-100i_camvid-half.py'),
                osp.join(seg, f'{folder}_r18-d8_ft10-100i_camvid-half.py'))
    return 'mocofcn', LP_DEC if METHODS[name][1] else LP_LINEAR, FT10


def run_name(name: str, pretrain_seed: int) -> str:
    """Work-dir and record name of one pre-training seed of a method (seed 0: the method's name, as
    in work dirs of runs before ``--pretrain-seeds``)."""
    return name if pretrain_seed == 0 else f'{name}_ps{pretrain_seed}'


def pretrain(name: str, pretrain_seed: int, args, env: dict) -> dict:
    config = osp.join(SELFSUP, METHODS[name][0])
    variant_opts = VARIANTS[name][1] if name in VARIANTS else []
    run_id = run_name(name, pretrain_seed)
    work_dir = osp.join(args.work_dir, 'pretrain', run_id)
    done = osp.join(work_dir, 'pretrain_result.json')
    if osp.isfile(done):
        with open(done) as f:
            return json.load(f)
    opts = [f'train_dataloader.dataset.data_root={args.data_root}',
            f'train_dataloader.num_workers={args.workers}',
            f'train_dataloader.persistent_workers={args.workers > 0}',
            f'randomness.seed={pretrain_seed}']
    if args.pretrain_iters:
        opts += [f'train_cfg.max_iters={args.pretrain_iters}',
                 f'param_scheduler.0.T_max={args.pretrain_iters}',
                 f'param_scheduler.0.end={args.pretrain_iters}']
    opts += variant_opts
    cmd = [sys.executable, 'tools/train.py', config, '--work-dir', work_dir, '--cfg-options', *opts]
    log(f'{run_id}: pre-training ({osp.relpath(config, ROOT)}, seed {pretrain_seed})')
    seconds = run(cmd, osp.join(work_dir, 'pretrain.log'), env)
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        checkpoint = f.read().strip()
    result = dict(checkpoint=checkpoint, seconds=round(seconds, 1), seed=pretrain_seed,
                  iters=int(osp.basename(checkpoint)[5:-4]),
                  final_loss=last_scalar(work_dir, 'loss'))
    with open(done, 'w') as f:
        json.dump(result, f, indent=1)
    log(f'{run_id}: pre-trained in {seconds:.0f} s, final loss {result["final_loss"]}')
    return result


def eval_seeds(pretrain_seed: int, args) -> list:
    """The evaluation seeds of one pre-training seed: ``--seeds``, or with ``--paired-seeds`` the
    pre-training seed itself (one evaluation per checkpoint, a third of the cost of three)."""
    return [pretrain_seed] if args.paired_seeds else list(args.seeds)


def row_seeds(name: str, args) -> list:
    """The runs of a row: its pre-training seeds; rows without pre-training (random init) one run
    (seed 0), or with ``--paired-seeds`` one initialisation per seed, so that their spread is made
    of the same number of runs as the pre-trained rows'."""
    if METHODS[name][0] is None and not args.paired_seeds:
        return [0]
    return list(args.pretrain_seeds)


def evaluate(name: str, run_id: str, checkpoint: str, protocol: str, seeds: list, args,
             env: dict) -> list:
    head, lp_leaf, ft10_leaf = leaves(name)
    leaf = {'ft10': ft10_leaf, 'lp': lp_leaf}[protocol]
    eval_dir = osp.join(args.work_dir, 'eval')
    cmd = [sys.executable, 'tools/evaluate.py', checkpoint, '--head', head, '--protocol',
           protocol, '--dataset', 'camvid', '--data-root', args.data_root, '--config', leaf,
           '--name', run_id, '--work-dir', eval_dir, '--seeds', *map(str, seeds),
           '--delete-checkpoints']
    if args.eval_iters:
        cmd += ['--iters', str(args.eval_iters)]
    patterns = [osp.join(eval_dir, run_id, '*', protocol, f'seed{seed}', 'eval_result.json')
                for seed in seeds]
    if not all(glob.glob(p) for p in patterns):  # evaluate.py itself skips recorded seeds
        log(f'{run_id}: {COLUMNS[protocol]} ({osp.basename(leaf)})')
        run(cmd, osp.join(eval_dir, 'logs', f'{run_id}_{protocol}.log'), env)
    records = []
    for pattern in patterns:
        paths = glob.glob(pattern)
        if not paths:
            raise RuntimeError(f'no record {pattern} after the evaluation of {run_id}')
        with open(paths[0]) as f:
            records.append(json.load(f))
    log(f'{run_id}: {COLUMNS[protocol]} mIoU ' + ', '.join(f'{r["mIoU"]:.2f}' for r in records))
    return records


def frozen_layer(name: str) -> str:
    """The map LP-100% reads: the pre-trained decoder's output, else the backbone's last stage
    (a ViT's: its last block's patch tokens, :data:`VIT_TOKEN_LAYER`)."""
    if METHODS[name][1]:
        return 'decoder'
    return VIT_TOKEN_LAYER if name in VIT else 'backbone.layer4'


def evaluate_frozen(name: str, run_id: str, checkpoint: str, seed: int, args, env: dict) -> dict:
    """The frozen-feature protocols (``tools/evaluate_frozen.py``) on the map LP-100% reads, one
    seed (of the kNN bank sample, the probe's pixels, K-means; for random init also of the
    initialisation); returns protocol -> mIoU."""
    if not args.frozen:
        return {}
    sys.path.insert(0, ROOT)
    from ssl4dp_mm.evaluation.dense_features import resolve_layer
    from ssl4dp_mm.evaluation.records import slug
    layer = frozen_layer(name)
    tag = resolve_layer(layer)  # the records name backbone.layer4 'stage4'
    frozen_dir = osp.join(args.work_dir, 'eval_frozen')
    patterns = {p: osp.join(frozen_dir, slug(run_id), '*',
                            f'{p}1x-{tag}' if p == 'kmeans' else f'{p}-{tag}', f'seed{seed}',
                            'eval_result.json') for p in args.frozen}
    if not all(glob.glob(p) for p in patterns.values()):
        head, lp_leaf, _ = leaves(name)
        cmd = [sys.executable, 'tools/evaluate_frozen.py', checkpoint, '--dataset', 'camvid',
               '--data-root', args.data_root, '--config', lp_leaf, '--head', head,
               '--layers', layer, '--protocols', *args.frozen, '--name', run_id,
               '--work-dir', frozen_dir, '--seeds', str(seed), *FROZEN_OPTIONS]
        if checkpoint == 'none':
            cmd += ['--init-seed', str(seed)]
        if name in VIT:  # the records' backbone tag (the leaf builds the ViT)
            cmd += ['--backbone', f'vit-{VIT_SIZES[VIT[name][1]][0]}']
        if args.frozen_max_images:
            cmd += ['--max-images', str(args.frozen_max_images)]
        log(f'{run_id}: frozen protocols {", ".join(args.frozen)} ({layer})')
        run(cmd, osp.join(frozen_dir, 'logs', f'{run_id}.log'), env)
    scores = {}
    for protocol, pattern in patterns.items():
        paths = glob.glob(pattern)
        if not paths:
            raise RuntimeError(f'no record {pattern} after the frozen protocols of {run_id}')
        with open(paths[0]) as f:
            scores[protocol] = json.load(f)['mIoU']
    log(f'{run_id}: ' + ', '.join(f'{FROZEN_COLUMNS[p]} {v:.2f}' for p, v in scores.items()))
    return scores


def run_method(name: str, args, env: dict) -> dict:
    """Every pre-training seed of one method, each evaluated with every evaluation seed; the row
    keeps all values (``lp``, ``ft10``, frozen protocols) and, per pre-training seed, its own
    (``runs``)."""
    result = dict(name=name, label=METHODS[name][4], decoder=METHODS[name][1],
                  level=METHODS[name][2], contrastive=METHODS[name][3], runs={})
    try:
        for pretrain_seed in row_seeds(name, args):
            run_id = run_name(name, pretrain_seed)
            one = {}
            if METHODS[name][0] is None:
                checkpoint = 'none'
            else:
                one['pretrain'] = pretrain(name, pretrain_seed, args, env)
                checkpoint = one['pretrain']['checkpoint']
            seeds = eval_seeds(pretrain_seed, args)
            for protocol in ROW_PROTOCOLS.get(name, PROTOCOLS):
                one[protocol] = [r['mIoU'] for r in
                                 evaluate(name, run_id, checkpoint, protocol, seeds, args, env)]
            if name not in ROW_PROTOCOLS:  # random-<head>: the random row's frozen map
                frozen_seed = pretrain_seed if args.paired_seeds else 0
                for protocol, score in evaluate_frozen(name, run_id, checkpoint, frozen_seed,
                                                       args, env).items():
                    one[protocol] = [score]
            result['runs'][str(pretrain_seed)] = one
    except RuntimeError as err:
        log(f'{name}: FAILED: {err}')
        result['error'] = str(err).splitlines()[0]
    for protocol in PROTOCOLS + FROZEN:
        values = [v for one in result['runs'].values() for v in one.get(protocol, [])]
        if values:
            result[protocol] = values
    pretrains = [one['pretrain'] for one in result['runs'].values() if 'pretrain' in one]
    if pretrains:
        result['pretrain'] = dict(
            seconds=round(mean([p['seconds'] for p in pretrains]), 1),
            final_loss=mean([p['final_loss'] for p in pretrains
                             if p.get('final_loss') is not None]),
            seeds=[p.get('seed', 0) for p in pretrains])
    return result


def units(result: dict, protocol: str) -> list:
    """The values a row's mean ± std is taken over: with several pre-training seeds, one per seed
    (the mean of its evaluation seeds), so the spread includes pre-training; else the evaluation
    seeds of the one pre-training."""
    runs = [one[protocol] for one in result.get('runs', {}).values() if one.get(protocol)]
    if len(runs) > 1:
        return [mean(values) for values in runs]
    return list(result.get(protocol) or [])


def mean(values):
    return sum(values) / len(values) if values else None


def cell(values) -> str:
    if not values:
        return '–'
    if len(values) == 1:
        return f'{values[0]:.2f}'
    return f'{mean(values):.2f} ± {std(values):.2f}'


def compare_values(a: list, b: list):
    """Is ``a`` above ``b``, and is the difference of the means beyond twice their combined
    standard error? Returns (a above b, beyond the spread or None without a spread, difference,
    twice the combined standard error or None)."""
    diff = mean(a) - mean(b)
    if len(a) < 2 or len(b) < 2:
        return diff > 0, None, diff, None
    two_se = twice_combined_se(a, b)
    return diff > 0, abs(diff) > two_se, diff, two_se


def twice_combined_se(*groups) -> float:
    """Twice the combined standard error of a sum or difference of the groups' means
    (independent runs, each with at least two values)."""
    return 2 * sum(std(v) ** 2 / len(v) for v in groups) ** 0.5


def judged_text(label_a: str, a: list, label_b: str, b: list) -> tuple:
    """A check of a finding: (above, beyond, text)."""
    above, beyond, diff, two_se = compare_values(a, b)
    text = f'{label_a} {cell(a)} vs {label_b} {cell(b)}'
    if two_se is not None:
        text += f' ({diff:+.2f}, 2 SE {two_se:.2f})'
    return above, beyond, text


def finding_label(protocol: str) -> str:
    """The column name a finding is told under: LP-100% / FT-10%, or a frozen protocol's name,
    saying that LP-convex is the converged probe."""
    if protocol in COLUMNS:
        return COLUMNS[protocol]
    return FROZEN_COLUMNS[protocol] + (', the converged probe' if protocol == 'lp-convex' else '')


def findings(results: dict) -> list:
    """Check the reference reports' findings on the rows' values: each comparison is judged by
    whether the difference of the means is beyond twice the combined standard error (over
    pre-training seeds where there are several, else evaluation seeds). The linear-probe findings
    are judged again on LP-convex (the converged probe, no SGD noise) where the rows have it."""
    lines = []
    pairs = [('plmoco-dec', 'plmoco'), ('mocodec-dec', 'mocov2')]
    for protocol in PROTOCOLS:
        checks = [compare_rows(results, a, b, protocol) for a, b in pairs]
        lines.append(f'- Pre-training with a decoder helps ({COLUMNS[protocol]}): {verdict(checks)} '
                     f'({"; ".join(c[2] for c in checks)}).')
    lines += linear_probe_findings(results, 'lp')
    if any(units(r, 'lp-convex') for r in results.values()):
        checks = [compare_rows(results, a, b, 'lp-convex') for a, b in pairs]
        lines.append(f'- Pre-training with a decoder helps ({finding_label("lp-convex")}): '
                     f'{verdict(checks)} ({"; ".join(c[2] for c in checks)}).')
        lines += linear_probe_findings(results, 'lp-convex')
    return lines


def linear_probe_findings(results: dict, protocol: str) -> list:
    """The two linear-probe findings (patch- over image-level; non-contrastive methods trail) on
    ``protocol`` (``lp``: LP-100%, ``lp-convex``: the converged probe)."""
    suffix = '' if protocol == 'lp' else f' ({finding_label(protocol)})'

    def level_means(level):
        return [mean(units(r, protocol)) for n, r in results.items()
                if r['level'] == level and r['contrastive'] and units(r, protocol)
                and n not in VARIANTS and n not in VIT]

    patch, image = level_means('patch'), level_means('image')
    checks = [compare_rows(results, a, b, protocol) for a, b in
              (('plmoco-dec', 'mocodec-dec'), ('plmoco', 'mocov2'), ('densecl', 'mocov2'))]
    if patch and image:
        # the spread of this check is the one between methods of a level
        above, beyond, diff, two_se = compare_values(patch, image)
        checks.append((above, beyond,
                       f'mean of {len(patch)} contrastive patch-level methods {mean(patch):.2f} '
                       f'vs {len(image)} image-level {mean(image):.2f}'
                       + (f' ({diff:+.2f}, 2 SE between methods {two_se:.2f})'
                          if two_se is not None else '')))
    lines = [f'- Patch-level beats image-level in linear probe{suffix}: {verdict(checks)} '
             f'({"; ".join(c[2] for c in checks)}).']
    checks = [compare_rows(results, a, b, protocol) for a, b in
              (('plmoco-dec', 'plsiam-dec'), ('detcons-dec', 'detconb-dec'))]
    lines.append(f'- Non-contrastive methods trail their contrastive counterparts in linear probe'
                 f'{suffix}: {verdict(checks)} ({"; ".join(c[2] for c in checks)}).')
    return lines


def compare_rows(results: dict, a: str, b: str, protocol: str) -> tuple:
    """A check of a finding between rows ``a`` and ``b``: (above, beyond, text), (None, None,
    '... not measured') when either row has no value for ``protocol``."""
    va, vb = units(results.get(a, {}), protocol), units(results.get(b, {}), protocol)
    if not va or not vb:
        return None, None, f'{a} vs {b}: not measured'
    return judged_text(results[a]['label'], va, results[b]['label'], vb)


def vit_findings(results: dict) -> list:
    """The reference reports' findings on the ViT rows, per encoder (ViT-T/16, ViT-S/16): PLMoCo and
    DetCon-S (w/o dec: like for like; and w/dec) against image-level MoCo on the same ViT, in
    LP-100% and FT-10% (and LP-convex, the converged probe on the frozen tokens or decoder, where
    ViT rows have it); a decoder in pre-training against none; the non-contrastive methods against
    their contrastive counterparts (ViT-S, the only size with their configs). Judged as
    :func:`findings` judges; 'not measured' where the rows were not run."""
    protocols = PROTOCOLS
    if any(units(results[n], 'lp-convex') for n in results if n in VIT):
        protocols += ('lp-convex', )
    lines = []
    for size, (_, size_label) in VIT_SIZES.items():
        def name(method, size=size):
            return f'{method}-vit-{size}'
        for protocol in protocols:
            for method, label in (('plmoco', 'PLMoCo'), ('detcons', 'DetCon-S')):
                checks = [compare_rows(results, name(m), name('mocov2'), protocol)
                          for m in (method, f'{method}-dec')]
                lines.append(f'- {label} > MoCo on {size_label} ({finding_label(protocol)}): '
                             f'{verdict(checks)} ({"; ".join(c[2] for c in checks)}).')
        for protocol in protocols:
            checks = [compare_rows(results, name(f'{m}-dec'), name(m), protocol)
                      for m in ('plmoco', 'detcons')]
            lines.append(f'- Pre-training with a decoder helps on {size_label} '
                         f'({finding_label(protocol)}): {verdict(checks)} '
                         f'({"; ".join(c[2] for c in checks)}).')
    checks = [compare_rows(results, 'plmoco-dec-vit-s', 'plsiam-dec-vit-s', 'lp'),
              compare_rows(results, 'detcons-dec-vit-s', 'detconb-dec-vit-s', 'lp')]
    lines.append(f'- Non-contrastive methods trail their contrastive counterparts on ViT-S/16 '
                 f'(LP-100%): {verdict(checks)} ({"; ".join(c[2] for c in checks)}).')
    return lines


def verdict(checks: list) -> str:
    """A finding over its measured checks (above, beyond the spread, text): 'holds' / 'does not
    hold' when every difference is beyond twice the combined standard error and on one side,
    'within the spread' when none is, 'mixed' otherwise; without a spread (one seed) by the signs
    of the means, saying so; 'not measured' if no check was measured."""
    measured = [c for c in checks if c[0] is not None]
    if not measured:
        return 'not measured'
    judged = [c for c in measured if c[1] is not None]
    # comparisons with one value on a side (one seed, a level mean over one method) are not
    # counted in the verdict; their signs are told beside it
    unjudged = [c[0] for c in measured if c[1] is None]
    if not judged:
        return f'{by_sign(unjudged)} by the means (one seed: no spread to judge by)'
    note = (f'; by the means for the {len(unjudged)} without a spread: {by_sign(unjudged)}'
            if unjudged else '')
    beyond = [c[0] for c in judged if c[1]]
    if not beyond:
        return f'within the spread (no difference beyond twice the combined standard error{note})'
    if len(beyond) == len(judged) and all(beyond):
        return f'holds{f" ({note[2:]})" if note else ""}'
    if len(beyond) == len(judged) and not any(beyond):
        return f'does not hold{f" ({note[2:]})" if note else ""}'
    return (f'mixed ({sum(beyond)} of {len(judged)} comparisons for it and '
            f'{len(beyond) - sum(beyond)} against it beyond the spread{note})')


def by_sign(above: list) -> str:
    """A finding over comparisons judged by the signs of their differences alone."""
    return 'holds' if all(above) else 'mixed' if any(above) else 'does not hold'


def std(values) -> float:
    m = mean(values)
    return (sum((v - m) ** 2 for v in values) / (len(values) - 1)) ** 0.5 if len(values) > 1 else 0.


def variant_findings(results: dict) -> list:
    """Each variant against its method (both measured): the difference of the means and whether
    it is larger than twice their combined standard error (over pre-training seeds where there
    are several, else evaluation seeds)."""
    return difference_lines(results, [(name, method) for name, (method, _, _) in VARIANTS.items()])


def difference_lines(results: dict, pairs: list) -> list:
    """Per (row, reference row) of ``pairs`` with both measured, per protocol: the reference's
    cell, the row's, the difference (reference minus row) and whether it is beyond twice their
    combined standard error."""
    lines = []
    for name, method in pairs:
        if name not in results or method not in results:
            continue
        for protocol in PROTOCOLS + FROZEN:
            a, b = units(results[method], protocol), units(results[name], protocol)
            if not a or not b:
                continue
            _, beyond, diff, two_se = compare_values(a, b)
            if beyond is None:
                judged = 'one seed: no spread to judge by'
            elif beyond:
                judged = f'larger than twice the combined standard error ({two_se:.2f}): a finding'
            else:
                judged = f'within twice the combined standard error ({two_se:.2f}): not a finding'
            column = COLUMNS.get(protocol) or FROZEN_COLUMNS[protocol]
            lines.append(f'- {column}: {results[method]["label"]} {cell(a)} vs '
                         f'{results[name]["label"]} {cell(b)}: {diff:+.2f}, {judged}.')
    return lines


def gain_check(results: dict, first: tuple, second: tuple, protocol: str) -> tuple:
    """Is the gain of ``first`` = (row, its baseline row) above the gain of ``second`` in
    ``protocol``? A gain is the difference of the means; the spread of the difference of two
    gains is twice the combined standard error of the four rows (independent runs). Returns
    (above, beyond the spread or None without one, text); (None, None, '... not measured') when a
    row has no value."""
    rows = [*first, *second]
    values = [units(results.get(n, {}), protocol) for n in rows]
    if not all(values):
        missing = [n for n, v in zip(rows, values) if not v]
        return None, None, f'{" vs ".join(rows)}: not measured ({", ".join(missing)})'
    gain_a = mean(values[0]) - mean(values[1])
    gain_b = mean(values[2]) - mean(values[3])
    diff = gain_a - gain_b
    text = (f'{results[first[0]]["label"]} {gain_a:+.2f} over {results[first[1]]["label"]} vs '
            f'{results[second[0]]["label"]} {gain_b:+.2f} over {results[second[1]]["label"]}')
    if any(len(v) < 2 for v in values):
        return diff > 0, None, text
    two_se = twice_combined_se(*values)
    return diff > 0, abs(diff) > two_se, text + f' ({diff:+.2f}, 2 SE {two_se:.2f})'


def decoder_findings(results: dict) -> list:
    """The draft report's claim on the decoders of issue 14: against MoCoFCN, the complex decoders
    (DeepLabv3+, Non-local, PSPNet-256) gain less from pre-training in FT-10% but more in LP-100%,
    for PLMoCo w/dec and MoCo w/dec. FT-10% gain: over random init fine-tuned with the same head
    (``random-<decoder>``; MoCoFCN: ``random``); LP-100% gain: over random init's probe on the
    backbone map, the same baseline for every head, so the gains differ as the LP-100% cells do.
    Then the encoder at 1/100 of the lr (EDMoCo, PLEDMoCo) against the full lr."""
    families = ('plmoco-dec', 'mocodec-dec')
    ft = [gain_check(results, (f, 'random'), (f'{f}-{d}', f'random-{d}'), 'ft10')
          for f in families for d in DECODER_LABELS]
    lp = [compare_rows(results, f'{f}-{d}', f, 'lp') for f in families for d in DECODER_LABELS]
    lines = [f'- Complex decoders gain less than MoCoFCN in FT-10%: {verdict(ft)} '
             f'({"; ".join(c[2] for c in ft)}).',
             f'- Complex decoders gain more than MoCoFCN in LP-100%: {verdict(lp)} '
             f'({"; ".join(c[2] for c in lp)}).']
    encoder_lr = difference_lines(results, [('edmoco-dec', 'mocodec-dec'),
                                            ('pledmoco-dec', 'plmoco-dec')])
    if encoder_lr:
        lines += ['- The encoder at 1/100 of the lr, against the full lr (no claim in the report '
                  'to check; differences, full lr minus 1/100):', *[f'  {x}' for x in encoder_lr]]
    return lines


def spearman(x: list, y: list):
    """Spearman's rank correlation (scipy; ties get average ranks); None under 3 pairs or a
    constant side, where it is undefined."""
    if len(x) < 3 or len(set(x)) < 2 or len(set(y)) < 2:
        return None
    from scipy.stats import spearmanr
    return float(spearmanr(x, y).correlation)


def separated_pairs(results: dict, protocol: str) -> tuple:
    """How many pairs of rows (with a spread on ``protocol``) differ beyond twice the combined
    standard error: the power of a protocol to rank methods. Returns (separated, pairs)."""
    rows = [units(r, protocol) for r in results.values() if len(units(r, protocol)) > 1]
    pairs = [(a, b) for i, a in enumerate(rows) for b in rows[i + 1:]]
    return sum(bool(compare_values(a, b)[1]) for a, b in pairs), len(pairs)


def rank_agreement(results: dict) -> list:
    """Do the frozen protocols (and FT-10%) rank the rows as LP-100% does? Spearman over the rows
    with both means; and how many pairs of rows each protocol tells apart beyond its spread."""
    def apart(protocol):
        separated, pairs = separated_pairs(results, protocol)
        return f'{separated} of {pairs} pairs of rows apart beyond 2 SE' if pairs else ''
    lp_power = apart('lp')
    lines = [f'- LP-100%: {lp_power}'] if lp_power else []
    for protocol in ('ft10', ) + FROZEN:
        rows = [r for r in results.values() if units(r, 'lp') and units(r, protocol)]
        rho = spearman([mean(units(r, 'lp')) for r in rows],
                       [mean(units(r, protocol)) for r in rows])
        column = COLUMNS.get(protocol) or FROZEN_COLUMNS[protocol]
        power = apart(protocol)
        power = f'; {power}' if power else ''
        if rho is None:
            lines.append(f'- {column} vs LP-100%: not measured ({len(rows)} rows with both)'
                         + power)
        else:
            lines.append(f'- {column} vs LP-100%: Spearman {rho:+.2f} over {len(rows)} rows'
                         + power)
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
    frozen = [p for p in FROZEN if any(r.get(p) for r in results.values())]
    if args.paired_seeds:
        spread = ('mean ± std over the pre-training seeds, each evaluated with its own seed '
                  '(random init: one initialisation per seed), so the spread holds both')
    elif len(args.pretrain_seeds) > 1:
        spread = 'mean ± std over the pre-training seeds (each the mean of its evaluation seeds)'
    else:
        spread = 'mean ± std over the evaluation seeds'
    train_seeds = ('the pre-training seed (`--paired-seeds`)' if args.paired_seeds
                   else ', '.join(map(str, args.seeds)))
    frozen_seed = 'the pre-training seed' if args.paired_seeds else 'seed 0'
    vit = [n for n in results if n in VIT]
    title = '# CamVid quality benchmark: ResNet-18-d8, MoCoFCN head, val mIoU (%)'
    if any(leaves(n)[0] != 'mocofcn' for n in results if n not in VIT):
        title = ('# CamVid quality benchmark: ResNet-18-d8, MoCoFCN head (rows of another '
                 'decoder: its own head), val mIoU (%)')
    if vit:
        sizes = ', '.join(label for size, (_, label) in VIT_SIZES.items()
                          if any(VIT[n][1] == size for n in vit))
        title = (f'# CamVid quality benchmark: {sizes}, FCN decoder or linear head, val mIoU (%)'
                 if len(vit) == len(results) else
                 f'# CamVid quality benchmark: ResNet-18-d8, MoCoFCN head; ViT rows {sizes}, '
                 'FCN decoder or linear head, val mIoU (%)')
    lines = [title, '', environment(), '',
             f'Pre-training: CamVid train images (367, labels unused) at 240x180, 128 px views, '
             f'batch 16, {args.pretrain_iters or 120} iterations, pre-training seeds '
             f'{", ".join(map(str, args.pretrain_seeds))}. Evaluation at 240x180 '
             f'(scored at 480x360): LP-100% and FT-10% (37 images, seeded split), '
             f'{args.eval_iters or 100} iterations at batch 8, training seeds '
             f'{train_seeds}. LP-100% of checkpoints without a decoder (and of '
             'random init) reads the backbone map directly.'
             + (f' Frozen protocols ({", ".join(FROZEN_COLUMNS[p] for p in frozen)}: '
                f'`tools/evaluate_frozen.py`, {frozen_seed}, `' + ' '.join(FROZEN_OPTIONS) + '`) on the '
                'map LP-100% reads (decoder output, else `backbone.layer4`'
                + (f'; ViT: `{VIT_TOKEN_LAYER}`, the last block\'s patch tokens' if vit else '')
                + ').' if frozen else '')
             + (' ViT rows (`configs/selfsup/vit/`): the same data, views and budget, AdamW; '
                'LP-100% through a linear head on the frozen tokens (w/o dec, random init) or '
                'the frozen pre-trained FCN decoder (w/dec), FT-10% with the FCN decoder and '
                'layer-wise lr decay (`configs/seg/vit/*_camvid-half.py`); MoCo v2 there is MoCo '
                'w/o dec with the patch tokens averaged (`mocodec_vit-*`).' if vit else '')
             + f' Cells: {spread}. Benchmark wall time on this machine (all stages, summed over '
             f'the runs of the work dir): {wall / 60:.1f} min (**machine-dependent**; the mIoU '
             'are the result).', '',
             '| pre-training | decoder | level | contrastive | LP-100% | FT-10% | '
             + ''.join(f'{FROZEN_COLUMNS[p]} | ' for p in frozen) + 'pre-train s | final loss |',
             '|---|---|---|---|---|---|' + '---|' * len(frozen) + '---|---|']
    for name, r in results.items():
        pre = r.get('pretrain', {})
        loss = pre.get('final_loss')
        lines.append(
            f'| {r["label"]} | {"yes" if r["decoder"] else "no"} | {r["level"]} | '
            f'{"–" if r["contrastive"] is None else "yes" if r["contrastive"] else "no"} | '
            f'{cell(units(r, "lp"))} | {cell(units(r, "ft10"))} | '
            + ''.join(f'{cell(units(r, p))} | ' for p in frozen)
            + f'{pre.get("seconds", "–")} | {"–" if loss is None else f"{loss:.3f}"} |'
            + (f' failed: {r["error"]}' if 'error' in r else ''))
    if len(vit) < len(results):
        lines += ['', 'Reference findings at this scale (computed from the table; a comparison '
                  'counts when the difference of the means is beyond twice the combined standard '
                  'error):', '', *findings(results)]
        lines += ['', 'The decoders of issue 14 (each pre-trained and evaluated with its own '
                  'head):', '', *decoder_findings(results)]
    else:
        lines += ['', 'ResNet rows: none in this table (their findings are in the ResNet '
                  'tables). A comparison counts when the difference of the means is beyond twice '
                  'the combined standard error.']
    if vit:
        lines += ['', 'On the ViT rows (same encoder per line):', '', *vit_findings(results)]
    else:
        lines += ['', 'ViT rows: not measured (`--methods vit`).']
    variants = variant_findings(results)
    if variants:
        lines += ['', f'Variants against their method ({spread}):', '', *variants]
    lines += ['', 'Do the other protocols rank the rows as LP-100% does?', '',
              *rank_agreement(results)]
    return '\n'.join(lines) + '\n'


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data-root', default=osp.join(ROOT, '..', 'shared', 'datasets', 'camvid'))
    parser.add_argument('--work-dir', default=osp.join(ROOT, 'work_dirs', 'camvid_quality'))
    parser.add_argument('--methods', nargs='+', choices=list(METHODS) + list(GROUPS),
                        default=list(PRIORITY), metavar='NAME',
                        help='rows (default: the ResNet rows of PRIORITY); groups: '
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
    parser.add_argument('--out', default=osp.join(ROOT, 'benchmarks', 'results', 'camvid_quality.md'))
    args = parser.parse_args()
    args.methods = expand_methods(args.methods)
    args.data_root = osp.abspath(args.data_root)
    args.work_dir = osp.abspath(args.work_dir)
    for sub in ('img_dir/train', 'img_dir/val', 'ann_dir/val'):
        if not osp.isdir(osp.join(args.data_root, sub)):
            raise SystemExit(f'error: {osp.join(args.data_root, sub)} not found: pass --data-root '
                             'with the CamVid layout of configs/_base_/datasets/camvid_seg.py')
    env = dict(os.environ)
    if args.jobs > 1 and 'OMP_NUM_THREADS' not in env:
        env['OMP_NUM_THREADS'] = str(max(1, (os.cpu_count() or 1) // args.jobs))
    # the wall time adds up over interrupted, resumed and side-by-side runs of the same work dir
    with WallLedger(args.work_dir) as ledger:
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            done = list(pool.map(lambda n: run_method(n, args, env), args.methods))
    results = {r['name']: r for r in done}
    wall = ledger.total()
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
