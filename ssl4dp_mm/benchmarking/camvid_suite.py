"""The CamVid quality benchmark's rows: each method pre-trained on CamVid's training images (labels
unused), then LP-100% and FT-10% at 240x180 with the MoCoFCN head (methods pre-trained with another
decoder: that head), frozen-feature protocols on the map LP-100% reads; baselines random init,
MMSelfSup's MoCo v2 and DenseCL. ViT rows (ViT-T/16, ViT-S/16) are opt-in groups.

Every row names its configs; ``benchmarks/camvid_quality.py`` runs them through :mod:`.runner`.
"""
import os.path as osp
from dataclasses import replace
from typing import Sequence

from ..manifest import HEADS, METHODS
from ..manifest import PROTOCOLS as TRAINED_PROTOCOLS
from ..paths import CONFIG_ROOT
from .suite import FROZEN_COLUMNS, Row, Suite, column, rows_by_name

SELFSUP = osp.join(CONFIG_ROOT, 'selfsup')
SEG = osp.join(CONFIG_ROOT, 'seg', 'mocofcn')
LP_DEC = osp.join(SEG, 'mocofcn_r18-d8_lp-100i_camvid-half.py')
LP_LINEAR = osp.join(SEG, 'mocofcn_r18-d8_lp-100i_camvid-half_linear.py')
FT10 = osp.join(SEG, 'mocofcn_r18-d8_ft10-100i_camvid-half.py')
# FT-100% at this scale (all 367 labelled images, 200 iterations): the continued regime's column,
# and the scratch regime's with --protocols ft100
FT100 = osp.join(SEG, 'mocofcn_r18-d8_ft100-200i_camvid-half.py')
SEG_VIT = osp.join(CONFIG_ROOT, 'seg', 'vit')

PROTOCOLS = ('lp', 'ft10')
COLUMNS = {p: column(p) for p in PROTOCOLS}
FROZEN = tuple(FROZEN_COLUMNS)
# the frozen protocols' cost settings on CamVid (docs/evaluation.md, "Measured on CamVid"): 128
# train pixels per image for the probe, a 50,000-cell kNN bank, one K-means factor and
# initialisation
FROZEN_OPTIONS = ('--probe-pixels', '128', '--max-bank', '50000', '--kmeans-factors', '1',
                  '--kmeans-n-init', '1')
# the map the frozen protocols read without a decoder: ResNet's last stage, a ViT's last block's
# patch tokens
RESNET_LAYER = 'backbone.layer4'
VIT_TOKEN_LAYER = 'backbone.layers.11'

# the decoders beside MoCoFCN that methods are pre-trained and evaluated with (their own head)
OTHER_DECODERS = ('dlv3p', 'nl', 'psp256')
# decoder -> (tools/evaluate.py --head, configs/seg folder); the others use MoCoFCN
DECODER_HEADS = {d: (HEADS[d].name, HEADS[d].folder) for d in OTHER_DECODERS}
DECODER_LABELS = {d: HEADS[d].title for d in OTHER_DECODERS}


def selfsup_config(name: str) -> str:
    """The path of a pre-training config file by its name, in its method's folder
    (``configs/selfsup/<METHODS[prefix].folder>/``, the prefix before the first ``_``)."""
    return osp.join(SELFSUP, METHODS[name.split('_')[0]].folder, name)


# name: (pre-training config file (:func:`selfsup_config`) or None, has a pre-trained decoder,
# level, contrastive, label)
_METHODS = {
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
# PLMoCo and MoCo w/dec with the other decoders, pre-trained and evaluated with their own head
# (DECODER_HEADS), and the encoder at 1/100 of the lr
for _family, _tag, _level, _label in (('plmoco-dec', 'plmoco', 'patch', 'PLMoCo w/dec'),
                                      ('mocodec-dec', 'mocodec', 'image', 'MoCo w/dec')):
    for _decoder, _title in DECODER_LABELS.items():
        _METHODS[f'{_family}-{_decoder}'] = (f'{_tag}_r18-d8-{_decoder}_1xb16-120i_camvid.py',
                                             True, _level, True, f'{_label} ({_title})')
_METHODS.update({
    'edmoco-dec': ('edmoco_r18-d8-mocofcn_1xb16-120i_camvid.py', True, 'image', True,
                   'EDMoCo (MoCo w/dec, encoder lr x0.01)'),
    'pledmoco-dec': ('pledmoco_r18-d8-mocofcn_1xb16-120i_camvid.py', True, 'patch', True,
                     'PLEDMoCo (PLMoCo w/dec, encoder lr x0.01)'),
})
# random init fine-tuned with each of those heads: the FT-10% baseline of a decoder's gain
# (claims.decoder_findings). FT-10% only: LP-100% of random init reads the backbone map for every
# head (the 'random' row); a probe through a random frozen decoder is not a baseline the table uses
for _decoder, _title in DECODER_LABELS.items():
    _METHODS[f'random-{_decoder}'] = (None, False, 'none', None, f'random init ({_title} head)')
# variants of a method: name -> (method, extra --cfg-options of its pre-training, label). The
# PLMoCo family's near-positive handling ('exclude' by default; 'negative': near cells are
# negatives) and its sampled in-batch negatives (4096 key cells per step at batch 16 and 128 px
# views: a quarter of them)
VARIANTS = {
    'plmoco-dec-nearneg': ('plmoco-dec', {'model.near_positives': 'negative'},
                           'PLMoCo w/dec, near cells as negatives'),
    'plmoco-nearneg': ('plmoco', {'model.near_positives': 'negative'},
                       'PLMoCo w/o dec, near cells as negatives'),
    'plmocoplus-dec-nearneg': ('plmocoplus-dec', {'model.near_positives': 'negative'},
                               'PLMoCo+ w/dec, near cells as negatives'),
    'plmoco-dec-nearpos': ('plmoco-dec', {'model.near_positives': 'positive'},
                           'PLMoCo w/dec, near cells positives'),
    'plmoco-dec-neg1024': ('plmoco-dec', {'model.num_batch_negatives': '1024'},
                           'PLMoCo w/dec, 1024 sampled batch negatives'),
}

# ViT rows (docs/vit.md): the same CamVid pre-training (128 px views: 8 x 8 tokens, batch 16, 120
# iterations; AdamW) on MMSeg's VisionTransformer, w/o dec (the last block's patch tokens are the
# cells) and w/dec (FCN decoder on them), configs/selfsup/<method>/<method>_vit-*. MoCo is the
# image-level reference on the same encoder (mocodec_vit-*: MoCo v2 w/o dec, the patch tokens
# averaged into one vector).
# LP-100% through a linear head on the frozen tokens (w/o dec, random init) or through the frozen
# pre-trained FCN decoder (w/dec); FT-10% with the FCN decoder (layer-wise lr decay). The records'
# head tag stays mocofcn (tools/evaluate.py takes the leaf with --config); the run name tells the
# rows apart. Names: <method>[-dec]-vit-<t|s>.
# size of the names -> (config tag, label)
VIT_SIZES = {'t': ('t16', 'ViT-T/16'), 's': ('s16', 'ViT-S/16')}
# method of the names -> (config file prefix, level, contrastive, label)
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
VIT = {f'{m}{"-dec" if d else ""}-vit-{z}': (m, z, d) for m, z, d in VIT_ROWS}

# run in this order: what the three findings compare first, the other methods after
PRIORITY = ('random', 'plmoco-dec', 'plmoco', 'mocov2', 'densecl', 'mocodec-dec', 'plsiam-dec',
            'detcons-dec', 'detconb-dec', 'rlmoco-dec', 'plmocoplus-dec', 'prcl-dec', 'p2vec-dec',
            'plr-dec', 'mocomc-dec', 'plmoco-dec-dlv3p', 'plmoco-dec-nl', 'plmoco-dec-psp256',
            'mocodec-dec-dlv3p', 'mocodec-dec-nl', 'mocodec-dec-psp256', 'edmoco-dec',
            'pledmoco-dec', 'random-dlv3p', 'random-nl', 'random-psp256')
# opt-in groups of --methods (not in the default run: the ViT rows roughly double it), in run
# order: per size, what the ViT findings compare (random init first: no pre-training)
VIT_CORE = ('random', 'plmoco', 'mocov2', 'detcons', 'plmoco-dec', 'detcons-dec')
GROUPS = {
    'vit-t': tuple(f'{m}-vit-t' for m in VIT_CORE),
    'vit-s': tuple(f'{m}-vit-s' for m in VIT_CORE),
}
GROUPS['vit'] = GROUPS['vit-t'] + GROUPS['vit-s']
GROUPS['vit-all'] = GROUPS['vit'] + tuple(n for n in VIT if n not in GROUPS['vit'])


def resnet_row(name: str) -> Row:
    """A ResNet-18-d8 row of ``_METHODS``: evaluated with its decoder's own head (the decoders of
    :data:`DECODER_HEADS`), else MoCoFCN, whose LP-100% reads the backbone map through conv_seg
    alone for checkpoints without a decoder (and random init)."""
    config, decoder, level, contrastive, label = _METHODS[name]
    suffix = name.rsplit('-', 1)[-1]
    if suffix in DECODER_HEADS:
        head, folder = DECODER_HEADS[suffix]
        seg = osp.join(CONFIG_ROOT, 'seg', folder)
        leaves = dict(lp=osp.join(seg, f'{folder}_r18-d8_lp-100i_camvid-half.py'),
                      ft10=osp.join(seg, f'{folder}_r18-d8_ft10-100i_camvid-half.py'))
    else:
        head, leaves = 'mocofcn', dict(lp=LP_DEC if decoder else LP_LINEAR, ft10=FT10)
    baseline = name.startswith('random-')  # FT-10% only, and the random row's frozen map
    return Row(name, None if config is None else selfsup_config(config), decoder, level,
               contrastive, label, head=head, protocols=('ft10', ) if baseline else PROTOCOLS,
               leaves=leaves, frozen_layer='' if baseline else
               'decoder' if decoder else RESNET_LAYER)


def vit_row(name: str) -> Row:
    """A ViT row (:data:`VIT`): LP-100% through the linear head on the frozen tokens
    (``linear_vit-*``) without a pre-trained decoder, through the frozen FCN decoder
    (``fcn_vit-*_lp``) with one; FT-10% ``fcn_vit-*_ft10``."""
    method, size, dec = VIT[name]
    prefix, level, contrastive, label = VIT_METHODS[method]
    tag, size_label = VIT_SIZES[size]
    config = None if prefix is None else selfsup_config(
        f'{prefix}_vit-{tag}{"-fcn" if dec else ""}_1xb16-120i_camvid.py')
    if prefix is None:
        row_label = f'{label}, {size_label}'
    else:
        row_label = (f'{label} {"w/dec (FCN)" if dec else "w/o dec"}'
                     f'{" (mean patch token)" if level == "image" else ""}, {size_label}')
    leaves = dict(lp=osp.join(SEG_VIT, f'{"fcn" if dec else "linear"}_vit-{tag}_lp-100i_'
                                       'camvid-half.py'),
                  ft10=osp.join(SEG_VIT, f'fcn_vit-{tag}_ft10-100i_camvid-half.py'))
    return Row(name, config, dec, level, contrastive, row_label, leaves=leaves,
               frozen_layer='decoder' if dec else VIT_TOKEN_LAYER, backbone=f'vit-{tag}')


def variant_row(name: str) -> Row:
    """A variant (:data:`VARIANTS`): its method's row with extra pre-training options."""
    method, options, label = VARIANTS[name]
    return replace(resnet_row(method), name=name, label=label, pretrain_options=dict(options),
                   variant_of=method)


ROWS = rows_by_name([resnet_row(n) for n in _METHODS] + [variant_row(n) for n in VARIANTS] +
                    [vit_row(n) for n in VIT])
CAMVID = Suite(ROWS, default=PRIORITY, groups=GROUPS, frozen_options=FROZEN_OPTIONS)


def with_protocols(suite: Suite, protocols: Sequence[str]) -> Suite:
    """``suite`` with each row evaluated by those of ``protocols`` (of ``lp``, ``ft10``, ``ft100``)
    that it runs; FT-100% (:data:`FT100`) is added to the rows whose FT-10% is MoCoFCN's."""
    unknown = [p for p in protocols if p not in TRAINED_PROTOCOLS]
    if unknown:
        raise KeyError(f'unknown protocols {unknown}; known: {", ".join(TRAINED_PROTOCOLS)}')
    rows = {}
    for name, row in suite.rows.items():
        leaves = dict(row.leaves)
        if 'ft100' in protocols and leaves.get('ft10') == FT10:
            leaves['ft100'] = FT100
        own = row.protocols + (('ft100', ) if 'ft100' in leaves else ())
        rows[name] = replace(row, leaves=leaves, protocols=tuple(p for p in protocols if p in own))
    columns = tuple(protocols) + tuple(c for c in suite.columns if c in FROZEN_COLUMNS)
    return replace(suite, rows=rows, columns=columns)


def is_vit(name: str) -> bool:
    """Is ``name`` a ViT row?"""
    return name in VIT
