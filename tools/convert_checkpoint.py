"""Convert a pre-training checkpoint to MMSeg weights and check them against a segmentation config.

    python tools/convert_checkpoint.py PRETRAIN.pth OUT.pth --seg-config configs/seg/...py

Then train/test MMSeg with ``load_from=OUT.pth``. See ``ssl4dp_mm/utils/convert.py`` for what is
accepted and refused (notably a plain-stem ResNet paired with a deep-stem ResNetV1c config).
"""
import argparse
import sys

from mmengine.config import Config
from mmengine.registry import init_default_scope


def convert(src: str, dst: str, seg_config: str = None, verbose: bool = True) -> dict:
    """Convert ``src`` into ``dst``; with ``seg_config``, refuse weights that do not fit its model.

    Returns:
        dict: ``source`` format, ``missing`` and ``unexpected`` keys, ``num_keys`` written.
    """
    from ssl4dp_mm.utils import (check_fits, load_checkpoint_file, save_checkpoint_atomic,
                                 to_seg_state_dict)
    from ssl4dp_mm.utils.checkpoint_layouts import state_dict_of
    from ssl4dp_mm.utils.vit_layouts import fit_vit, vit_grid
    ckpt = load_checkpoint_file(src)
    state_dict = state_dict_of(ckpt)
    converted, source = to_seg_state_dict(state_dict)
    report = dict(source=source, missing=[], unexpected=[], num_keys=len(converted))
    if seg_config is not None:
        cfg = Config.fromfile(seg_config)
        init_default_scope(cfg.get('default_scope', 'mmseg'))
        from mmseg.registry import MODELS
        model_cfg = cfg.model.copy()
        model_cfg.pop('pretrained', None)
        model = MODELS.build(model_cfg)
        try:
            # a ViT: depth / width / patch size named when they differ, pos_embed resized
            converted = fit_vit(converted, model.state_dict(), vit_grid(model.backbone),
                                source=src)
            missing, unexpected = check_fits(converted, model.state_dict(),
                                             cfg.model.backbone.get('type', '?'))
        except ValueError as err:
            raise ValueError(f'{src} does not fit {seg_config}: {err}') from err
        report.update(missing=missing, unexpected=unexpected)
    meta = dict(converted_from=src, source_format=source, seg_config=seg_config)
    save_checkpoint_atomic(dict(state_dict=converted, meta=meta), dst)
    if verbose:
        print(f'converted {len(converted)} tensors ({source} layout) from {src} -> {dst}')
        if seg_config is not None:
            print(f'  missing in checkpoint (newly initialised): {report["missing"] or "none"}')
            print(f'  unexpected (ignored by the model): {report["unexpected"] or "none"}')
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('src', help='pre-training checkpoint (ssl4dp_mm, MMSelfSup, torchvision, '
                        'facebookresearch/moco, timm / DINO ViT)')
    parser.add_argument('dst', help='output MMSeg checkpoint')
    parser.add_argument('--seg-config', help='segmentation config whose model must fit the weights')
    args = parser.parse_args(argv)
    import ssl4dp_mm  # noqa: F401  (shims and registries, also without a config)
    try:
        convert(args.src, args.dst, args.seg_config)
    except (ValueError, FileNotFoundError) as err:
        print(f'error: {err}', file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
