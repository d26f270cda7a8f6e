"""Per-layer features at sampled pixels, and their ``.npz`` files.

Resolution: the label maps are never resized to a layer's grid. Each layer's feature map is
upsampled bilinearly to the image resolution and read only at the sampled pixels
(:func:`ssl4dp_mm.features.features_at_pixels`).
"""
import os
import os.path as osp
from typing import Callable, Dict, Iterable, Optional, Sequence

import numpy as np
import torch

from ..features.at_pixels import features_at_pixels
from ..features.feature_model import DECODER, LayerFeatureModel, describe_source
from ..features.labelled_images import LabelledImages
from .pixel_sampling import PixelSamples

NPZ_KEYS = ('features', 'labels', 'class_names', 'layer', 'checkpoint', 'config')


def extract_features(model: LayerFeatureModel,
                     images: LabelledImages,
                     samples: PixelSamples,
                     layers: Sequence[str],
                     progress: Optional[Callable[[Iterable], Iterable]] = None
                     ) -> Dict[str, np.ndarray]:
    """Features of every requested layer at the sampled pixels.

    Args:
        model (LayerFeatureModel): The model (see :func:`build_feature_model`).
        images (LabelledImages): The images the samples were drawn from.
        samples (PixelSamples): The pixels.
        layers (Sequence[str]): Layer names, e.g. ``['stage1', 'stage4', 'decoder']``.
        progress (Callable, optional): Wraps the iteration over images. Defaults to None.

    Returns:
        dict[str, np.ndarray]: ``layer -> NxC`` float32, rows in the order of ``samples``.

    Raises:
        ValueError: If a layer is unknown, or ``decoder`` is asked of a model whose backbone comes
            from a checkpoint that had no decoder weights (its decoder would be random).
    """
    model.check_layers(layers)
    if (DECODER in layers and model.decoder_source == 'random init'
            and model.backbone_source != 'random init'):
        raise ValueError(f'{model.backbone_source!r} has no decoder weights (decoder.* or '
                         'decode_head.*), so layer "decoder" would be a random decoder on a '
                         'trained backbone; ask for backbone stages only, or use a w/dec '
                         'checkpoint')
    wrap = progress or (lambda it: it)
    model.eval()
    device = next(model.parameters()).device
    out = {name: [] for name in layers}
    bounds = np.flatnonzero(np.diff(samples.image_index)) + 1
    for rows in wrap(np.split(np.arange(len(samples)), bounds)):
        img = images.read_image(int(samples.image_index[rows[0]]))
        feats = model(model.preprocess(torch.from_numpy(img)[None].to(device)), layers)
        yx = torch.from_numpy(samples.yx[rows]).to(device)
        for name in layers:
            out[name].append(features_at_pixels(feats[name], yx, img.shape[:2]).cpu().numpy())
    return {name: np.concatenate(chunks).astype(np.float32) for name, chunks in out.items()}


def save_features(path: str, features: np.ndarray, samples: PixelSamples, images: LabelledImages,
                  layer: str, checkpoint: Optional[str], config: str, seed: int) -> str:
    """Write one layer's features with everything needed to read them back.

    Keys: ``features`` (NxC float32), ``labels`` (N), ``class_names`` (K), ``layer``, ``checkpoint``
    (path, '' for random init), ``source`` (short name), ``config``, ``image_index`` (N), ``yx``
    (Nx2, pixel rows/columns), ``image_paths``, ``class_counts`` (K, pixels available), ``seed``,
    ``palette`` (Kx3, or empty).
    """
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    np.savez_compressed(
        path,
        features=features.astype(np.float32),
        labels=samples.labels,
        class_names=np.array(images.class_names),
        layer=np.array(layer),
        checkpoint=np.array(checkpoint or ''),
        source=np.array(describe_source(checkpoint)),
        config=np.array(config),
        image_index=samples.image_index,
        yx=samples.yx,
        image_paths=np.array(images.img_paths),
        class_counts=samples.class_counts,
        seed=np.array(seed),
        palette=np.array(images.palette if images.palette is not None else np.zeros((0, 3)),
                         dtype=np.int64))
    return path


def load_features(path: str) -> Dict[str, np.ndarray]:
    """Read a file written by :func:`save_features` (no pickles: ``allow_pickle=False``).

    Raises:
        FileNotFoundError: If the file does not exist.
        KeyError: If a required key is missing (the message names the file and the key).
        ValueError: If features and labels disagree in length.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'feature file {path!r} does not exist')
    with np.load(path, allow_pickle=False) as data:
        out = {k: data[k] for k in data.files}
    for key in NPZ_KEYS:
        if key not in out:
            raise KeyError(f'{path!r} has no {key!r} array (not written by save_features?)')
    if len(out['features']) != len(out['labels']):
        raise ValueError(f'{path!r}: {len(out["features"])} feature rows but '
                         f'{len(out["labels"])} labels')
    out['layer'] = str(out['layer'])
    out['checkpoint'] = str(out['checkpoint'])
    out['config'] = str(out['config'])
    out['source'] = str(out.get('source', describe_source(out['checkpoint'] or None)))
    out['class_names'] = [str(c) for c in out['class_names']]
    return out
