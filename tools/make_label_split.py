"""Write a seeded, reproducible label-fraction split (FT-10% by default) of a training set.

    python tools/make_label_split.py CONFIG [--fraction 0.1] [--seed 0] [--out-dir DIR]
                                            [--data-root ROOT] [--cfg-options k=v ...]

CONFIG is any segmentation config whose ``train_dataloader.dataset`` is the *full* labelled
training set (an LP-100% or FT-100% config of the dataset). The files list image names in the
format of MMSeg's ``ann_file`` and go where the FT-10% configs look for them, unless ``--out-dir``:

- a part with an ``ann_file`` (VOC ``ImageSets/Segmentation/train.txt`` and ``aug.txt``): beside it,
  ``train_10pct_seed0.txt`` and ``aug_10pct_seed0.txt``;
- a part that scans a folder (Cityscapes, CamVid, toy scenes):
  ``<data_root>/splits/train_10pct_seed0.txt``.

The split is checked to share no image file with the config's validation set.
"""
import argparse
import sys

from mmengine.config import Config, DictAction


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('config', help='a config whose train set is the full labelled training set')
    parser.add_argument('--fraction', type=float, default=0.1,
                        help='share of images to keep (0, 1]')
    parser.add_argument('--seed', type=int, default=0, help='sampling seed')
    parser.add_argument('--out-dir', help='write the files here instead of the dataset folder')
    parser.add_argument('--data-root', help='override data_root of the train and val datasets')
    parser.add_argument('--no-val-check', action='store_true',
                        help='skip the check that no validation image is in the split')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='override config keys')
    return parser.parse_args(argv)


def set_data_root(dataset: dict, data_root: str) -> None:
    """Point a dataset config (and every part of a ConcatDataset) at ``data_root``, in place."""
    for part in dataset.get('datasets', [dataset]):
        part['data_root'] = data_root


def main(argv=None):
    args = parse_args(argv)
    import ssl4dp_mm  # noqa: F401  (registers CamVidDataset, ToyScenesDataset)
    from ssl4dp_mm.datasets.label_split import make_label_split
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    train = cfg.train_dataloader.dataset
    val = None if args.no_val_check else cfg.get('val_dataloader', {}).get('dataset')
    if args.data_root:
        set_data_root(train, args.data_root)
        if val is not None:
            set_data_root(val, args.data_root)
    try:
        results = make_label_split(train, args.fraction, args.seed, val, args.out_dir)
    except (ValueError, FileNotFoundError, AssertionError) as err:
        print(f'error: {err}', file=sys.stderr)
        sys.exit(1)
    for r in results:
        print(f'{len(r["names"])} of {r["num_total"]} images -> {r["path"]}')
    return results


if __name__ == '__main__':
    main()
