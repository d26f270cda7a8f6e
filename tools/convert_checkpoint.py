"""Convert a pre-training checkpoint to MMSeg weights and check them against a segmentation config.

    python tools/convert_checkpoint.py PRETRAIN.pth OUT.pth --seg-config configs/seg/...py

Then train/test MMSeg with ``load_from=OUT.pth``. See ``ssl4dp_mm/checkpoints/convert.py``
(``convert_checkpoint``) for what is accepted and refused (notably a plain-stem ResNet paired with
a deep-stem ResNetV1c config).
"""
import argparse
import sys

import ssl4dp_mm  # noqa: F401  (shims and registries, also without a config)
from ssl4dp_mm.checkpoints.convert import convert_checkpoint

# the name this command has always offered to code that loads it
convert = convert_checkpoint


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('src', help='pre-training checkpoint (ssl4dp_mm, MMSelfSup, torchvision, '
                        'facebookresearch/moco, timm / DINO ViT)')
    parser.add_argument('dst', help='output MMSeg checkpoint')
    parser.add_argument('--seg-config', help='segmentation config whose model must fit the weights')
    args = parser.parse_args(argv)
    try:
        convert_checkpoint(args.src, args.dst, args.seg_config)
    except (ValueError, FileNotFoundError) as err:
        print(f'error: {err}', file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
