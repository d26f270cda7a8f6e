"""Generate the embedded default dataset.

    python tools/make_toy_scenes.py [--root data/toy_scenes]
"""
import argparse

from ssl4dp_mm.datasets.toy_scenes import make_toy_scenes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--root', default='data/toy_scenes')
    parser.add_argument('--train', type=int, default=200, help='number of training images')
    parser.add_argument('--val', type=int, default=40, help='number of validation images')
    parser.add_argument('--height', type=int, default=96)
    parser.add_argument('--width', type=int, default=128)
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args(argv)
    root = make_toy_scenes(args.root, {'train': args.train, 'val': args.val},
                           (args.height, args.width), args.seed)
    print(f'toy scenes ready in {root}')


if __name__ == '__main__':
    main()
