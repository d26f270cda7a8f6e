"""The config of any row of the run matrix, composed from the manifest: a ``_base_`` list (model,
dataset, schedule, runtime; :func:`.protocols.seg_bases`, :func:`.pretrain_parts.pretrain_bases`)
and the few overrides the manifest implies (classes, LP-100%'s frozen model, a decoder swapped in).

Every static leaf the manifest names is this text written out (``tests/manifest/test_compose.py``
checks their resolved configs are equal); a head, protocol, dataset or backbone without a leaf
file is composed the same way::

    cfg = compose_seg_config('psp', 'lp', 'ade20k')                # an mmengine Config
    text = seg_config_text('psp', 'lp', 'ade20k', '../../_base_')  # a leaf, ready to save
"""
import os.path as osp
import tempfile
from typing import Optional

from mmengine.config import Config

from ..paths import CONFIG_ROOT
from ..utils.atomic_files import write_atomic
from .draft_rows import decay_bases
from .heads import head_of
from .methods import method_of
from .pretrain_parts import (BACKBONE_CHANNELS, DATA_PIPELINES, DECODER_STRIDES, MASK_SAMPLERS,
                             PRETRAIN_BACKBONE, PRETRAIN_FROM, iters_per_epoch, pretrain_bases,
                             pretrain_stem, recipe_of)
from .protocols import (LINEAR_PROBE_MODEL, PROTOCOLS, dataset_of, leaf_config, seg_bases,
                        timm_fine_tuning)

BASE_DIR = osp.join(CONFIG_ROOT, '_base_')
# where composed configs are written for the tools that take a file
COMPOSED_DIR = osp.join(tempfile.gettempdir(), 'ssl4dp_mm_composed')


def _bases_text(bases: list, base_dir: str) -> str:
    lines = ''.join(f"    '{osp.join(base_dir, b)}',\n" for b in bases)
    return f'_base_ = [\n{lines}]\n'


def seg_overrides(protocol: str, dataset: str, backbone: str = 'r18-d8') -> str:
    """What a leaf sets beside its bases: the classifier's classes, the input size of the data
    preprocessor (the dataset's crop), for LP-100% :data:`LINEAR_PROBE_MODEL`, and for a timm
    backbone's fine-tuning its layer-wise lr decay (the backbone base's ``timm_layer_decay``)."""
    fields = [f'{k}={v!r}' for k, v in LINEAR_PROBE_MODEL.items()] if protocol == 'lp' else []
    fields += ['data_preprocessor=dict(size={{_base_.crop_size}})',
               f'decode_head=dict(num_classes={dataset_of(dataset).num_classes})']
    text = 'model = dict(\n' + ''.join(f'    {f},\n' for f in fields) + ')\n'
    if timm_fine_tuning(protocol, backbone):
        text += 'optim_wrapper = dict(paramwise_cfg={{_base_.timm_layer_decay}})\n'
    return text


def seg_config_text(head: str, protocol: str, dataset: str, backbone: str = 'r18-d8',
                    base_dir: str = BASE_DIR, decay: Optional[str] = None) -> str:
    """The text of the leaf of a head, protocol, dataset and backbone.

    Args:
        head (str): a name of :data:`HEADS`.
        protocol (str): ``'ft10'``, ``'lp'`` or ``'ft100'``.
        dataset (str): a name of :data:`DATASETS`.
        backbone (str): the backbone tag
            (``configs/_base_/models/<head folder>_<backbone>_seg.py``). Defaults to ``'r18-d8'``.
        base_dir (str): the folder the ``_base_`` paths start from: absolute (to load the text
            from anywhere) or ``'../../_base_'`` (to save it as ``configs/seg/<folder>/...``).
            Defaults to ``BASE_DIR`` (``configs/_base_``, absolute).
        decay (str, optional): one of the draft report's schedules
            (:data:`.draft_rows.SEG_SCHEDULES`, FT-100% on VOC only) in place of the protocol's.
            Defaults to None.
    """
    if decay is None:
        bases = seg_bases(head, protocol, dataset, backbone)  # checks the names
    else:
        bases = decay_bases(head, protocol, dataset, backbone, decay)
    title = f'{head_of(head).title} on {backbone}, {PROTOCOLS[protocol]}' + \
        (f' ({decay} decay)' if decay else '') + f'; {dataset_of(dataset).title}'
    return (f'# {title}: composed from the manifest (ssl4dp_mm/manifest/compose.py)\n' +
            _bases_text(bases, base_dir) + seg_overrides(protocol, dataset, backbone))


def data_overrides(data: str, decoder: Optional[str] = None,
                   stride: Optional[int] = None) -> str:
    """The pre-training data of a row over its dataset's selfsup base: the pipeline of
    :data:`.pretrain_parts.DATA_PIPELINES`, or the base's image-labelled dataset; nothing for the
    base's own two views.

    Args:
        data (str): a key of :data:`.pretrain_parts.DATA_PIPELINES`.
        decoder (str, optional): the row's decoder; region ids are sampled at its stride where
            :data:`.pretrain_parts.DECODER_STRIDES` has it. Defaults to None.
        stride (int, optional): the encoder's output stride where it is not the dilated
            ResNet's 8 (a ViT/14's 14). Defaults to None.
    """
    if data == 'imagelabels':
        return ('train_pipeline = _base_.image_labels_pipeline\n'
                'train_dataloader = dict(\n'
                '    dataset=dict(_delete_=True, **_base_.image_labels_dataset))\n')
    steps = DATA_PIPELINES[data]
    if steps is None:
        return ''
    lines = ''
    if data in MASK_SAMPLERS:
        sampler = f'_base_.{MASK_SAMPLERS[data]}'
        if stride is None and decoder in DECODER_STRIDES:
            stride = DECODER_STRIDES[decoder]
        if stride is not None:
            lines = f'feat_stride = {stride}\n'
            sampler = f'dict({sampler}, feat_stride=feat_stride)'
        steps = [step.format(sample=sampler) for step in steps]
    return (lines + 'train_pipeline = [\n' + ''.join(f'    {step},\n' for step in steps) +
            ']\ntrain_dataloader = dict(dataset=dict(pipeline=train_pipeline))\n')


def pretrain_overrides(method: str, decoder: Optional[str], dataset: str) -> str:
    """What a pre-training row sets beside its bases: the decoder swapped into the MoCoFCN base
    (and the projectors' input widths), none at all without decoder (the projectors read the
    backbone), its data (:func:`data_overrides`), the backbone's lr multiplier, the DenseCL
    warm-up hook."""
    recipe = recipe_of(method)
    lines = []
    model = []
    if decoder is None and recipe.projectors:
        channels = BACKBONE_CHANNELS[PRETRAIN_BACKBONE]
        model.append('decoder=None')
        for key in recipe.projectors:
            hid = f', hid_channels={channels}' if key == recipe.image_neck else ''
            model.append(f'{key}=dict(in_channels={channels}{hid})')
    elif decoder not in (None, 'mocofcn'):
        model.append(f'decoder=dict(_delete_=True, **_base_.{decoder}_decoder)')
        model += [f'{key}=dict(in_channels=_base_.decoder_channels.{decoder})'
                  for key in recipe.projectors]
    if model:
        lines.append('model = dict(\n' + ''.join(f'    {m},\n' for m in model) + ')\n')
    lines.append(data_overrides(recipe.data, decoder))
    if recipe.encoder_lr_mult is not None:
        lines.append('optim_wrapper = dict(paramwise_cfg=dict(custom_keys={'
                     f"'backbone': dict(lr_mult={recipe.encoder_lr_mult})}}))\n")
    if recipe.loss_warmup is not None:
        start = int(recipe.loss_warmup * iters_per_epoch(dataset))
        lines.append(f"custom_hooks = [dict(type='DenseCLHook', start_iters={start}), "
                     '*_base_.custom_hooks]\n')
    return ''.join(lines)


def pretrain_config_text(method: str, decoder: Optional[str], dataset: str,
                         base_dir: str = BASE_DIR, epochs: Optional[int] = None,
                         start: str = PRETRAIN_FROM) -> str:
    """The text of the pre-training config of a row (method, decoder, dataset).

    Args:
        method (str): a name of :data:`METHODS`.
        decoder (str, optional): a head name, or ``None`` for w/o dec.
        dataset (str): a name of :data:`DATASETS` with ``pretrain_images``.
        base_dir (str): the folder the ``_base_`` paths start from (see
            :func:`seg_config_text`). Defaults to ``BASE_DIR``.
        epochs (int, optional): pre-training epochs (:func:`.pretrain_parts.pretrain_bases`).
            Defaults to None (the reference tables').
        start (str): the checkpoint it continues from. Defaults to ``PRETRAIN_FROM``.
    """
    bases = pretrain_bases(method, decoder, dataset, epochs, start)  # checks the names
    title = f'{method_of(method).label(decoder)}, {dataset_of(dataset).title}'
    return (f'# {title}: composed from the manifest (ssl4dp_mm/manifest/compose.py)\n' +
            _bases_text(bases, base_dir) + pretrain_overrides(method, decoder, dataset))


def _write(text: str, rel_path: str) -> str:
    """Write ``text`` to ``COMPOSED_DIR/rel_path`` (atomically) and return the path."""
    path = osp.join(COMPOSED_DIR, rel_path)
    write_atomic(path, text)
    return path


def composed_seg_file(head: str, protocol: str, dataset: str, backbone: str = 'r18-d8',
                      decay: Optional[str] = None) -> str:
    """The composed leaf written to a file named as its static leaf would be (under
    :data:`COMPOSED_DIR`; ``-<decay>`` after the stem with a draft schedule), for the tools that
    take a config path."""
    rel = leaf_config(head, protocol, dataset, backbone)
    if decay:
        rel = rel.replace(f'_{dataset_of(dataset).suffix}.py',
                          f'-{decay}_{dataset_of(dataset).suffix}.py')
    return _write(seg_config_text(head, protocol, dataset, backbone, decay=decay), rel)


def composed_pretrain_file(method: str, decoder: Optional[str], dataset: str,
                           epochs: Optional[int] = None, start: str = PRETRAIN_FROM) -> str:
    """The composed pre-training config written to a file (under :data:`COMPOSED_DIR`)."""
    stem = pretrain_stem(method, decoder, dataset, epochs, start)
    return _write(pretrain_config_text(method, decoder, dataset, epochs=epochs, start=start),
                  osp.join('selfsup', method, stem + '.py'))


def compose_seg_config(head: str, protocol: str, dataset: str, backbone: str = 'r18-d8',
                       decay: Optional[str] = None) -> Config:
    """The config of a head, protocol, dataset and backbone (see :func:`seg_config_text`)."""
    return Config.fromfile(composed_seg_file(head, protocol, dataset, backbone, decay))


def compose_pretrain_config(method: str, decoder: Optional[str], dataset: str,
                            epochs: Optional[int] = None,
                            start: str = PRETRAIN_FROM) -> Config:
    """The pre-training config of a row (see :func:`pretrain_config_text`)."""
    return Config.fromfile(composed_pretrain_file(method, decoder, dataset, epochs, start))
