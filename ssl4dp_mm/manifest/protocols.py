"""The segmentation datasets and the schedules of the three trained protocols on each.

A leaf config is ``configs/seg/<head folder>/<head folder>_<backbone>_<protocol>-<tag>_<suffix>.py``
where the iteration tag of each protocol is the one of the dataset's protocol piece (its file
name states it, its ``train_cfg`` runs it; :attr:`SegDataset.iters`): a model base
(``configs/_base_/models/<head folder>_<backbone>_seg.py``), a protocol base
(``configs/_base_/protocols/<protocol>-<tag>_<suffix>.py``: the dataset, its schedule, the
runtime) and the overrides of :mod:`.compose`, which builds the config of any head, protocol,
dataset and backbone, with or without a leaf file.
"""
import ast
import functools
import os
import os.path as osp
import re
from dataclasses import dataclass
from typing import Dict, List, Optional

from ..paths import CONFIG_ROOT
from .heads import head_of

# protocol -> the column it fills in result tables
PROTOCOLS: Dict[str, str] = {'ft10': 'FT-10%', 'lp': 'LP-100%', 'ft100': 'FT-100%'}
# what LP-100% sets on the model: only decode_head.conv_seg learns; backbone, decoder and BN
# statistics stay frozen
LINEAR_PROBE_MODEL = dict(type='FrozenEncoderDecoder', trainable=['decode_head.conv_seg'])
# the backbone tags (``timm-vit-s14-dinov2``, ``timm-convnext-t``: TimmDenseBackbone) fine-tuned
# with the transformer recipe: the ``vit_`` protocol pieces (AdamW, layer-wise lr decay) for FT-10%
# and FT-100%, with the decay of the backbone base's ``timm_layer_decay``; LP-100% as any backbone
TIMM_PREFIX = 'timm-'
TIMM_FT_PIECE = 'vit_'


@dataclass(frozen=True)
class SegDataset:
    """A segmentation dataset of the run matrix.

    Args:
        name (str): the short name (``tools/evaluate.py --dataset``).
        suffix (str): the last tag of its config files.
        title (str): the name printed in tables.
        num_classes (int): classes of its labels (the classifier's outputs).
        base (str): the prefix of its bases in ``configs/_base_/datasets/``
            (``<base>_seg.py``, ``<base>_selfsup.py``).
        data_root (str, optional): its root as the reference commands pass it
            (``tools/evaluate.py --data-root``). Defaults to None (the bases' own).
        pretrain_images (int, optional): images of its pre-training list (one epoch). Defaults
            to None (not a pre-training dataset at the reference scale).
    """

    name: str
    suffix: str
    title: str
    num_classes: int
    base: str
    data_root: Optional[str] = None
    pretrain_images: Optional[int] = None

    @property
    def iters(self) -> Dict[str, str]:
        """Protocol -> the iteration tag of its leaves (``'3k'``), read from the names of the
        dataset's protocol pieces (``configs/_base_/protocols/<protocol>-<tag>_<suffix>.py``)."""
        return dict(_protocol_tags(self.suffix))


@functools.lru_cache(maxsize=None)
def _protocol_tags(suffix: str) -> tuple:
    folder = osp.join(CONFIG_ROOT, '_base_', 'protocols')
    pattern = re.compile(rf'({"|".join(PROTOCOLS)})-(\d+[ki])_{re.escape(suffix)}\.py')
    found = {}
    for name in sorted(os.listdir(folder)):
        match = pattern.fullmatch(name)
        if match:
            if match.group(1) in found:
                raise KeyError(f'{folder}: two {match.group(1)} pieces for {suffix}: '
                               f'{match.group(1)}-{found[match.group(1)]}_{suffix}.py and {name}')
            found[match.group(1)] = match.group(2)
    missing = [p for p in PROTOCOLS if p not in found]
    if missing:
        raise KeyError(f'{folder}: no protocol piece <protocol>-<iters>_{suffix}.py for '
                       f'{", ".join(missing)}')
    return tuple((p, found[p]) for p in PROTOCOLS)


DATASETS: Dict[str, SegDataset] = {
    d.name: d
    for d in (
        SegDataset('toy', 'toyscenes', 'toy scenes', num_classes=6, base='toy_scenes'),
        SegDataset('camvid', 'camvid', 'CamVid', num_classes=11, base='camvid'),
        SegDataset('voc', 'voc12aug', 'PASCAL VOC 2012 aug', num_classes=21, base='voc12aug',
                   data_root='data/VOCdevkit/VOC2012',
                   pretrain_images=10582),  # train + SBD aug
        SegDataset('cityscapes', 'cityscapes', 'Cityscapes', num_classes=19, base='cityscapes',
                   data_root='data/cityscapes',
                   pretrain_images=2975),  # leftImg8bit/train
        # ADE20K (SceneParsing, 150 classes), MMSeg's 512x512 setting at batch 16
        SegDataset('ade20k', 'ade20k', 'ADE20K', num_classes=150, base='ade20k',
                   data_root='data/ade/ADEChallengeData2016',
                   pretrain_images=20210),  # images/training
    )
}


def dataset_of(name: str) -> SegDataset:
    """The dataset called ``name``; a ``KeyError`` names the known ones otherwise."""
    try:
        return DATASETS[name]
    except KeyError:
        raise KeyError(f'unknown dataset {name!r}; known: {", ".join(DATASETS)}') from None


def _check_protocol(protocol: str) -> None:
    if protocol not in PROTOCOLS:
        raise KeyError(f'unknown protocol {protocol!r}; known: {", ".join(PROTOCOLS)}')


def protocol_column(protocol: str) -> str:
    """The result column of a protocol (``'lp'`` -> ``'LP-100%'``)."""
    return PROTOCOLS[protocol]


def leaf_config(head: str, protocol: str, dataset: str, backbone: str = 'r18-d8') -> str:
    """Path relative to ``configs/`` of the leaf of a head, protocol, dataset and backbone.

    Args:
        head (str): a name of :data:`HEADS`.
        protocol (str): ``'ft10'``, ``'lp'`` or ``'ft100'``.
        dataset (str): a name of :data:`DATASETS`.
        backbone (str): the backbone tag of the leaf. Defaults to ``'r18-d8'``.
    """
    folder = head_of(head).folder
    _check_protocol(protocol)
    ds = dataset_of(dataset)
    return osp.join('seg', folder, f'{folder}_{backbone}_{protocol}-{ds.iters[protocol]}_'
                    f'{ds.suffix}.py')


def protocol_iters(protocol: str, dataset: str) -> int:
    """The iterations of a protocol on a dataset, read from its tag (``'3k'`` -> 3000,
    ``'300i'`` -> 300)."""
    tag = dataset_of(dataset).iters[protocol]
    if tag.endswith('k'):
        return int(tag[:-1]) * 1000
    if tag.endswith('i'):
        return int(tag[:-1])
    raise ValueError(f'iteration tag {tag!r} of {dataset}/{protocol}: expected <n>k or <n>i')


def timm_fine_tuning(protocol: str, backbone: str) -> bool:
    """Whether a leaf fine-tunes a timm backbone (:data:`TIMM_PREFIX`; FT-10% / FT-100%): the
    ``vit_`` piece and the backbone base's layer-wise decay."""
    return backbone.startswith(TIMM_PREFIX) and protocol != 'lp'


def protocol_piece(protocol: str, dataset: str, backbone: str = 'r18-d8') -> str:
    """The protocol base of a dataset, relative to ``configs/_base_/``
    (``protocols/<protocol>-<tag>_<suffix>.py``: the dataset, its schedule, the runtime; for a
    timm backbone's FT-10% / FT-100% the ``vit_`` piece of the same iterations)."""
    _check_protocol(protocol)
    ds = dataset_of(dataset)
    prefix = TIMM_FT_PIECE if timm_fine_tuning(protocol, backbone) else ''
    return f'protocols/{prefix}{protocol}-{ds.iters[protocol]}_{ds.suffix}.py'


def protocol_piece_bases(protocol: str, dataset: str) -> List[str]:
    """The ``_base_`` list of :func:`protocol_piece`, read from the file and made relative to
    ``configs/_base_/`` (``['datasets/voc12aug_seg.py', 'schedules/seg_ft100-30k_voc.py',
    'seg_runtime.py']``).

    Raises:
        ValueError: if the file has no ``_base_`` list of strings (naming the file).
    """
    path = osp.join(CONFIG_ROOT, '_base_', protocol_piece(protocol, dataset))
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and getattr(node.targets[0], 'id', None) == '_base_'):
            bases = ast.literal_eval(node.value)
            if isinstance(bases, list) and all(isinstance(b, str) for b in bases):
                here = osp.dirname(path)
                return [osp.relpath(osp.normpath(osp.join(here, b)),
                                    osp.join(CONFIG_ROOT, '_base_')) for b in bases]
    raise ValueError(f'{path}: expected a _base_ list of paths')


def seg_bases(head: str, protocol: str, dataset: str, backbone: str = 'r18-d8') -> list:
    """The ``_base_`` list of a leaf, relative to ``configs/_base_/``: the model, then the
    protocol on the dataset (its data, schedule and runtime).

    Args:
        head (str): a name of :data:`HEADS`.
        protocol (str): ``'ft10'``, ``'lp'`` or ``'ft100'``.
        dataset (str): a name of :data:`DATASETS`.
        backbone (str): a backbone tag of
            ``configs/_base_/models/<head folder>_<backbone>_seg.py``. Defaults to ``'r18-d8'``.

    Raises:
        KeyError: an unknown head, protocol or dataset, or a backbone without a model base (the
            message lists the head's).
    """
    folder = head_of(head).folder
    model = f'models/{folder}_{backbone}_seg.py'
    models = osp.join(CONFIG_ROOT, '_base_', 'models')
    if not osp.isfile(osp.join(CONFIG_ROOT, '_base_', model)):
        known = sorted(f[len(folder) + 1:-len('_seg.py')] for f in os.listdir(models)
                       if re.fullmatch(rf'{folder}_(r\d+b?-d\d+|{TIMM_PREFIX}.+)_seg\.py', f))
        raise KeyError(f'no model base {model} for backbone {backbone!r}; the {head} head has: '
                       f'{", ".join(known)}')
    piece = protocol_piece(protocol, dataset, backbone)
    if not osp.isfile(osp.join(CONFIG_ROOT, '_base_', piece)):
        raise KeyError(f'no protocol piece configs/_base_/{piece} for {protocol} on {dataset} '
                       f'with the {backbone} backbone')
    return [model, piece]
