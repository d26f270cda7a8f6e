# FT-10% on Cityscapes: the training set cut to a seeded 10% label split (names such as
# aachen/aachen_000000_000019, relative to leftImg8bit/train), written by
#   python tools/make_label_split.py configs/seg/<head>/<head>_r18-d8_ft100-90k_cityscapes.py \
#       --fraction 0.1 --seed 0
# to <data_root>/splits/train_10pct_seed0.txt. Validation is unchanged.
_base_ = './cityscapes_seg.py'
train_dataloader = dict(dataset=dict(ann_file='splits/train_10pct_seed0.txt'))
