"""Tiny VOC 2012 aug and Cityscapes copies in the real on-disk layouts (for trying the reference
configs end to end on a laptop; the tests make their own):

    python tools/make_reference_layouts.py [--root data/reference_tiny] [--dataset voc cityscapes]

Then point a reference config at one, e.g.
``--cfg-options train_dataloader.dataset.data_root=data/reference_tiny/VOCdevkit/VOC2012``.
See ``ssl4dp_mm/datasets/reference_layouts.py`` for the layout.
"""
import argparse

from ssl4dp_mm.datasets.reference_layouts import make_cityscapes, make_voc_aug


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--root', default='data/reference_tiny')
    parser.add_argument('--dataset', nargs='+', choices=('voc', 'cityscapes'),
                        default=['voc', 'cityscapes'])
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args(argv)
    makers = dict(voc=make_voc_aug, cityscapes=make_cityscapes)
    for name in args.dataset:
        print(f'{name}: {makers[name](args.root, seed=args.seed)}')


if __name__ == '__main__':
    main()
