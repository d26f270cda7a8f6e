"""The pre-training rows of the reference VOC and Cityscapes tables, and the config of each."""
import os.path as osp

from tests.conftest import config_path

DATASETS = ('voc12aug', 'cityscapes')
# the pre-training decoders of the methods that take any (MoCoFCN, PSPNet, DeepLabv3, DeepLabv3+,
# Non-local, PSPNet-256)
DECODERS = ('mocofcn', 'psp', 'aspp', 'dlv3p', 'nl', 'psp256')
# the decoders the region- and image-level methods also have (beside MoCoFCN)
NEW_DECODERS = ('dlv3p', 'nl', 'psp256')
# method -> (config folder, decoders with a config: None = w/o dec)
METHODS = {
    'mocodec': ('mocodec', (None, ) + DECODERS),  # "MoCo" and "MoCo w/dec"
    'plmoco': ('plmoco', (None, ) + DECODERS),
    'plmocoplus': ('plmocoplus', (None, ) + DECODERS),
    'plsiam': ('plsiam', DECODERS),
    'p2vec': ('p2vec', DECODERS),
    'prcl': ('prcl', DECODERS),
    'edmoco': ('edmoco', ('mocofcn', )),  # MoCo w/dec, encoder at 1/100 of the lr
    'pledmoco': ('pledmoco', ('mocofcn', )),  # PLMoCo w/dec, encoder at 1/100 of the lr
    'rlmoco': ('rlmoco', (None, 'mocofcn') + NEW_DECODERS),
    'detcons': ('detcon', (None, 'mocofcn') + NEW_DECODERS),
    'detconb': ('detcon', (None, 'mocofcn') + NEW_DECODERS),
    'exemplarv2': ('exemplar_v2', (None, 'mocofcn') + NEW_DECODERS),
    'mocomc': ('mocomc', (None, 'mocofcn') + NEW_DECODERS),
    'mocov2': ('baselines', (None, )),  # MMSelfSup's own, for comparison
    'densecl': ('baselines', (None, )),
}
SEG_HEADS = {'mocofcn': 'mocofcn', 'psp': 'pspnet', 'aspp': 'deeplabv3', 'dlv3p': 'deeplabv3plus',
             'nl': 'nonlocal', 'psp256': 'pspnet256'}
SEG_ITERS = {'voc12aug': dict(ft10='5k', lp='3k', ft100='30k'),
             'cityscapes': dict(ft10='15k', lp='9k', ft100='90k')}


def epochs(method: str, dataset: str) -> int:
    """20, except PLMoCo+ on Cityscapes (the reference Cityscapes table's 50)."""
    return 50 if (method, dataset) == ('plmocoplus', 'cityscapes') else 20


def pretrain_config(method: str, decoder, dataset: str) -> str:
    """Path relative to configs/ of one row's pre-training config."""
    folder = METHODS[method][0]
    dec = f'-{decoder}' if decoder else ''
    return osp.join('selfsup', folder, f'{method}_r50b-d8{dec}_1xb16-{epochs(method, dataset)}e_'
                    f'{dataset}_from-mocov2.py')


def all_pretrain_rows() -> list:
    return [(m, d, ds) for ds in DATASETS for m, (_, decs) in METHODS.items() for d in decs]


def seg_config(head: str, backbone: str, protocol: str, dataset: str) -> str:
    """Path relative to configs/ of a ResNet-50 segmentation leaf."""
    folder = SEG_HEADS[head]
    return osp.join('seg', folder, f'{folder}_{backbone}_{protocol}-{SEG_ITERS[dataset][protocol]}_'
                    f'{dataset}.py')


def all_seg_leaves() -> list:
    return [(h, b, p, ds) for ds in DATASETS for h in SEG_HEADS for b in ('r50b-d8', 'r50b-d16')
            for p in ('ft10', 'lp', 'ft100')]


def exists(rel: str) -> bool:
    return osp.isfile(config_path(rel))
