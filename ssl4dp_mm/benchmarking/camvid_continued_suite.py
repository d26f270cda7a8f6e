"""The CamVid benchmark's continued regime ("MoCo-v2 + X", the reference reports' own protocol):
each method continued from an upstream image-level model instead of random init.

The upstream model is MMSelfSup's MoCo v2 on ``imagenet-sample`` (:mod:`.upstream`). Every method
keeps the views, data and budget of the from-scratch suite (:mod:`.camvid_suite`: 120 iterations
at batch 16 on CamVid's training images) and is continued with the reports' schedule scaled to those
iterations (``configs/_base_/schedules/selfsup_sgd_cos_camvid-120i_from-upstream.py``: the loaded
backbone's lr starts at 0.1x and rises, the new parameters follow the main cosine). Rows:

- ``random`` and ``upstream`` (the upstream model as it is, no continuation);
- ``mocov2-naive``: MoCo v2 continued with one lr for all (no ramp), the naive continuation;
- MoCo w/o dec (``mocov2``) and w/dec, PLMoCo w/o and w/dec, PLMoCo+, PLSiam, PRCL, P2Vec, RLMoCo,
  DetCon-S w/dec and MMSelfSup's DenseCL, each with the ramp;
- the ramp ablation: PLMoCo w/dec without the ramp (``plmoco-dec-noramp``) and with the encoder at
  1/100 of the lr (``pledmoco-dec``, no ramp);
- the complex decoders (``--methods decoders``): PLMoCo w/dec with DeepLabv3+ and Non-local, each
  evaluated with its own head, and the upstream model fine-tuned with each head
  (``upstream-<decoder>``, FT-10%: the baseline of the decoder's gain).

Every MoCoFCN row is evaluated by LP-100%, FT-10%, FT-100%
(``mocofcn_r18-d8_ft100-200i_camvid-half.py``) and the frozen protocols; the other heads' rows by
LP-100% and FT-10% (their FT-100% leaf does not exist at this scale).
"""
from dataclasses import replace
from typing import Dict, Optional, Tuple

from ..engine.continued_config import continued_options
from .camvid_suite import DECODER_LABELS, FROZEN_OPTIONS, FT100, RESNET_LAYER, resnet_row
from .suite import FROZEN_COLUMNS, Row, Suite, rows_by_name

PROTOCOLS = ('lp', 'ft10', 'ft100')
# the decoders beside MoCoFCN whose claim is judged in both regimes (those the from-scratch
# decoder table has)
COMPLEX_DECODERS = ('dlv3p', 'nl')
COLUMNS = PROTOCOLS + tuple(FROZEN_COLUMNS)
# name -> (the from-scratch row it continues, start_factor of the loaded parameters (None: the
# schedule's ramp from 0.1x; 1.0: one lr for all), the row it varies or None, label)
CONTINUED: Dict[str, Tuple[str, Optional[float], Optional[str], str]] = {
    'mocov2-naive': ('mocov2', 1.0, 'mocov2', 'MoCo v2 continued naively (one lr for all)'),
    'mocov2': ('mocov2', None, None, 'MoCo w/o dec (MoCo v2)'),
    'mocodec-dec': ('mocodec-dec', None, None, 'MoCo w/dec'),
    'plmoco': ('plmoco', None, None, 'PLMoCo w/o dec'),
    'plmoco-dec': ('plmoco-dec', None, None, 'PLMoCo w/dec'),
    'plmocoplus-dec': ('plmocoplus-dec', None, None, 'PLMoCo+ w/dec'),
    'plsiam-dec': ('plsiam-dec', None, None, 'PLSiam w/dec'),
    'prcl-dec': ('prcl-dec', None, None, 'PRCL w/dec'),
    'p2vec-dec': ('p2vec-dec', None, None, 'P2Vec w/dec'),
    'rlmoco-dec': ('rlmoco-dec', None, None, 'RLMoCo w/dec'),
    'detcons-dec': ('detcons-dec', None, None, 'DetCon-S w/dec'),
    'densecl': ('densecl', None, None, 'DenseCL (MMSelfSup)'),
    'plmoco-dec-noramp': ('plmoco-dec', 1.0, 'plmoco-dec', 'PLMoCo w/dec, no ramp (one lr)'),
    'pledmoco-dec': ('pledmoco-dec', 1.0, 'plmoco-dec',
                     'PLEDMoCo (PLMoCo w/dec, encoder lr x0.01, no ramp)'),
    # the complex decoders (each evaluated with its own head: LP-100% and FT-10%)
    **{f'plmoco-dec-{d}': (f'plmoco-dec-{d}', None, None, f'PLMoCo w/dec ({DECODER_LABELS[d]})')
       for d in COMPLEX_DECODERS},
}
# the upstream model fine-tuned with each complex decoder's head (FT-10%): the baseline of that
# decoder's gain, as random init with the head (random-<decoder>) is from scratch
UPSTREAM_HEADS = tuple(f'upstream-{d}' for d in COMPLEX_DECODERS)
# run order: the baselines and what the findings compare first, the ramp ablation last
ORDER = ('random', 'upstream', 'plmoco-dec', 'mocov2', 'mocodec-dec', 'plmoco', 'mocov2-naive',
         'densecl', 'plsiam-dec', 'detcons-dec', 'plmocoplus-dec', 'prcl-dec', 'p2vec-dec',
         'rlmoco-dec', 'plmoco-dec-noramp', 'pledmoco-dec',
         *(f'plmoco-dec-{d}' for d in COMPLEX_DECODERS), *UPSTREAM_HEADS)
GROUPS = {'ramp': ('plmoco-dec', 'plmoco-dec-noramp', 'pledmoco-dec'),
          'decoders': ('plmoco-dec', 'upstream',
                       *(f'plmoco-dec-{d}' for d in COMPLEX_DECODERS), *UPSTREAM_HEADS)}


def _with_ft100(row: Row) -> Row:
    """The row with FT-100% where it is evaluated with MoCoFCN (the other heads have no FT-100%
    leaf at this scale: their rows keep LP-100% and FT-10%)."""
    if row.head != 'mocofcn':
        return row
    return replace(row, protocols=PROTOCOLS, leaves=dict(row.leaves, ft100=FT100))


def continued_row(name: str, upstream: str) -> Row:
    """A row of :data:`CONTINUED`: its from-scratch row continued from ``upstream``."""
    method, start_factor, variant_of, label = CONTINUED[name]
    row = _with_ft100(resnet_row(method))
    return replace(row, name=name, label=f'{label}, continued', variant_of=variant_of,
                   pretrain_options=dict(row.pretrain_options,
                                         **continued_options(upstream, start_factor)))


def upstream_row(upstream: str) -> Row:
    """The upstream model evaluated as it is (backbone only, like MoCo v2's row)."""
    row = _with_ft100(resnet_row('random'))
    return replace(row, name='upstream', label='upstream MoCo v2 (not continued)', level='image',
                   contrastive=True, checkpoint=upstream, frozen_layer=RESNET_LAYER)


def upstream_head_row(name: str, upstream: str) -> Row:
    """``upstream-<decoder>``: the upstream model fine-tuned with the decoder's head (FT-10%)."""
    decoder = name.split('-', 1)[1]
    return replace(resnet_row(f'random-{decoder}'), name=name,
                   label=f'upstream MoCo v2 ({DECODER_LABELS[decoder]} head)', level='image',
                   contrastive=True, checkpoint=upstream)


def continued_suite(upstream: str) -> Suite:
    """The continued regime's suite, every row continuing (or evaluating) ``upstream``."""
    rows = [_with_ft100(resnet_row('random')), upstream_row(upstream)]
    rows += [continued_row(n, upstream) for n in CONTINUED]
    rows += [upstream_head_row(n, upstream) for n in UPSTREAM_HEADS]
    by_name = rows_by_name(rows)
    return Suite({n: by_name[n] for n in ORDER}, default=ORDER, groups=GROUPS, columns=COLUMNS,
                 frozen_options=FROZEN_OPTIONS)
