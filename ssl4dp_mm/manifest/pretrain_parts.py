"""The parts of a pre-training row's config: which model base, dataset base and schedule each
method uses, and what changes with its decoder.

A row (method, decoder, dataset) at the reference scale is a plain-stem dilated ResNet-50
(``r50b-d8``) continued from ImageNet MoCo v2; its config is
``<method>_r50b-d8[-<decoder>]_1xb16-<epochs>e_<dataset suffix>_from-mocov2`` with the ``_base_``
list of :func:`pretrain_bases` and the overrides :mod:`.compose` writes from a
:class:`PretrainRecipe`.
"""
import os
import os.path as osp
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

from ..paths import CONFIG_ROOT
from .methods import method_of
from .protocols import dataset_of

# the backbone of the reference pre-training rows, the checkpoint they continue from, the total
# batch of every row
PRETRAIN_BACKBONE = 'r50b-d8'
PRETRAIN_FROM = 'mocov2'
PRETRAIN_BATCH = 16
# channels of the backbone's last stage: the projectors' input without a decoder
BACKBONE_CHANNELS = {'r50b-d8': 2048}
# decoders whose output is finer than the backbone's (DeepLabv3+ reads stage 1: stride 4); region
# ids are then sampled at that stride, where the model pools the regions
DECODER_STRIDES = {'dlv3p': 4}


@dataclass(frozen=True)
class PretrainRecipe:
    """How a method's pre-training config is put together.

    Args:
        model (str): its model base, ``configs/_base_/models/<model>_<backbone>[-mocofcn].py``
            (``-mocofcn``: the w/dec base, whose other decoders are swapped in).
        data (str): its pre-training data, a key of :data:`DATA_PIPELINES` over the dataset's
            ``configs/_base_/datasets/<dataset base>_selfsup.py``: ``'two_views'``,
            ``'one_view'``, ``'multicrop'``, ``'patchrot'``, ``'imagelabels'``, ``'masks'``
            (Felzenszwalb regions), ``'masks-slic'``.
        projectors (tuple): the model keys that read the decoder's output (their
            ``in_channels`` follow the decoder). Defaults to ('neck', ).
        image_neck (str, optional): the one of ``projectors`` that is MoCo v2's image-level
            projector, whose hidden width follows its input without a decoder. Defaults to None.
        encoder_lr_mult (float, optional): the backbone's lr multiplier. Defaults to None (1).
        loss_warmup (float, optional): epochs before DenseCL's dense loss weight switches on
            (``DenseCLHook``). Defaults to None (no hook).
    """

    model: str
    data: str
    projectors: Tuple[str, ...] = ('neck', )
    image_neck: Optional[str] = None
    encoder_lr_mult: Optional[float] = None
    loss_warmup: Optional[float] = None

    @property
    def masks(self) -> bool:
        """Whether its views carry region masks (``SampleMaskIds`` in the pipeline)."""
        return self.data.startswith('masks')


# A recipe's pre-training pipeline over the names of the dataset's selfsup base (load_pipeline,
# view_pipeline, two_views, crop_size, felzenszwalb_masks, slic_masks) and of the pieces
# (configs/_base_/datasets/pieces/{selfsup,masks}.py); '{sample}' is the region-id sampler (at the
# decoder's stride where it differs). None: the base's own two views. 'imagelabels' swaps the
# dataset for the base's image_labels_dataset instead (labels read from the segmentation maps).
DATA_PIPELINES: Dict[str, Optional[Tuple[str, ...]]] = {
    'two_views': None,
    'one_view': ('*_base_.load_pipeline', '*_base_.view_pipeline', '_base_.pack_views'),
    'multicrop': ('*_base_.load_pipeline',
                  'dict(_base_.multicrop, large_size=_base_.crop_size, small_size=96)',
                  '_base_.pack_views'),
    'patchrot': ('*_base_.load_pipeline', '*_base_.view_pipeline', '_base_.patch_rotation',
                 '_base_.pack_rotation'),
    'imagelabels': None,
    'masks': ('*_base_.load_pipeline', '_base_.felzenszwalb_masks', '_base_.two_views', '{sample}',
              '_base_.pack_masks'),
    'masks-slic': ('*_base_.load_pipeline', '_base_.slic_masks', '_base_.two_views', '{sample}',
                   '_base_.pack_masks'),
}
# the region-id sampler of each mask variant (pieces/masks.py): DetCon draws per view, RLMoCo
# from the regions both views share
MASK_SAMPLERS = {'masks': 'sample_masks', 'masks-slic': 'sample_shared_masks'}


PRETRAIN_RECIPES: Dict[str, PretrainRecipe] = {
    'mocodec': PretrainRecipe('mocodec', 'two_views', image_neck='neck'),
    'plmoco': PretrainRecipe('plmoco', 'two_views'),
    'plmocoplus': PretrainRecipe('plmocoplus', 'two_views', ('neck', 'img_neck'), 'img_neck'),
    'plsiam': PretrainRecipe('plsiam', 'two_views'),
    'p2vec': PretrainRecipe('p2vec', 'one_view'),
    'prcl': PretrainRecipe('prcl', 'two_views'),
    'plr': PretrainRecipe('plr', 'patchrot', ('head', )),
    'edmoco': PretrainRecipe('mocodec', 'two_views', image_neck='neck', encoder_lr_mult=0.01),
    'pledmoco': PretrainRecipe('plmoco', 'two_views', encoder_lr_mult=0.01),
    'rlmoco': PretrainRecipe('rlmoco', 'masks-slic', image_neck='neck'),
    'detcons': PretrainRecipe('detcons', 'masks'),
    'detconb': PretrainRecipe('detconb', 'masks'),
    'exemplarv2': PretrainRecipe('exemplarv2', 'imagelabels', image_neck='neck'),
    'mocomc': PretrainRecipe('mocomc', 'multicrop', image_neck='neck'),
    'mocov2': PretrainRecipe('mocov2', 'two_views', ()),
    # DenseCL's 1000 warm-up iterations are 0.2 epoch of ImageNet at batch 256
    'densecl': PretrainRecipe('densecl', 'two_views', (), loss_warmup=0.2),
}


def recipe_of(method: str) -> PretrainRecipe:
    """The recipe of ``method``; a ``KeyError`` names the known methods otherwise."""
    method_of(method)
    return PRETRAIN_RECIPES[method]


def pretrain_epochs(method: str, dataset: str) -> int:
    """20, except PLMoCo+ on Cityscapes (the reference Cityscapes table's 50)."""
    return 50 if (method, dataset) == ('plmocoplus', 'cityscapes') else 20


def iters_per_epoch(dataset: str) -> int:
    """Full batches of :data:`PRETRAIN_BATCH` in one epoch of the dataset's pre-training list."""
    images = dataset_of(dataset).pretrain_images
    if not images:
        raise KeyError(f'dataset {dataset!r} has no pre-training list (pretrain_images) in '
                       'ssl4dp_mm/manifest/protocols.py')
    return images // PRETRAIN_BATCH


def pretrain_iters(method: str, dataset: str) -> int:
    """Iterations of a row's pre-training: epochs x full batches of 16 (VOC 20 x 661 = 13,220;
    Cityscapes 20 x 185 = 3,700)."""
    return pretrain_epochs(method, dataset) * iters_per_epoch(dataset)


def check_row(method: str, decoder: Optional[str]) -> None:
    """Raise a ``KeyError`` naming the decoders of ``method`` if it has no row with ``decoder``."""
    found = method_of(method)
    if decoder not in found.decoders:
        has = ', '.join(d or '(w/o dec)' for d in found.decoders)
        raise KeyError(f'{method} has no reference config with decoder '
                       f'{decoder or "(w/o dec)"}; it has: {has}')


def pretrain_stem(method: str, decoder: Optional[str], dataset: str,
                  epochs: Optional[int] = None, start: str = PRETRAIN_FROM) -> str:
    """The file stem of a row's config (``plmoco_r50b-d8-mocofcn_1xb16-20e_voc12aug_from-mocov2``);
    ``epochs`` and ``start`` as in :func:`pretrain_bases`."""
    dec = f'-{decoder}' if decoder else ''
    epochs = epochs or pretrain_epochs(method, dataset)
    return (f'{method}_{PRETRAIN_BACKBONE}{dec}_1xb{PRETRAIN_BATCH}-{epochs}e_'
            f'{dataset_of(dataset).suffix}_from-{start}')


def pretrain_schedule(epochs: int, start: str = PRETRAIN_FROM) -> str:
    """The schedule base of ``epochs`` continued from ``start``, relative to ``configs/_base_/``
    (``schedules/selfsup_sgd_cos_<epochs>e_from-<start>.py``).

    Raises:
        KeyError: if no such schedule base exists (the message lists the ones that do).
    """
    name = f'schedules/selfsup_sgd_cos_{epochs}e_from-{start}.py'
    if not osp.isfile(osp.join(CONFIG_ROOT, '_base_', name)):
        known = sorted(f for f in os.listdir(osp.join(CONFIG_ROOT, '_base_', 'schedules'))
                       if f.startswith('selfsup_sgd_cos_') and '_from-' in f)
        raise KeyError(f'no pre-training schedule {name} for {epochs} epochs from {start}; '
                       f'there are: {", ".join(known)}')
    return name


def pretrain_bases(method: str, decoder: Optional[str], dataset: str,
                   epochs: Optional[int] = None, start: str = PRETRAIN_FROM) -> list:
    """The ``_base_`` list of a row, relative to ``configs/_base_/``: model, dataset (and the mask
    pieces for region-level methods), schedule, runtime.

    Args:
        method (str): a name of :data:`METHODS`.
        decoder (str, optional): a head name, or ``None`` for w/o dec.
        dataset (str): a name of :data:`DATASETS` with ``pretrain_images``.
        epochs (int, optional): pre-training epochs. Defaults to None (the reference tables',
            :func:`pretrain_epochs`).
        start (str): the checkpoint it continues from, as the schedule bases name it
            (``'mocov2'``: MoCo v2 800 epochs, ``'mocov2-200e'``). Defaults to
            :data:`PRETRAIN_FROM`.
    """
    check_row(method, decoder)
    iters_per_epoch(dataset)  # a dataset with a pre-training list
    recipe = recipe_of(method)
    with_decoders = any(method_of(method).decoders)
    model = f'{recipe.model}_{PRETRAIN_BACKBONE}' + ('-mocofcn' if with_decoders else '')
    schedule = pretrain_schedule(epochs or pretrain_epochs(method, dataset), start)
    masks = ['datasets/pieces/masks.py'] if recipe.masks else []
    return [f'models/{model}.py', f'datasets/{dataset_of(dataset).base}_selfsup.py', *masks,
            schedule, 'selfsup_runtime.py']
