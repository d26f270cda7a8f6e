# FT-10% on the embedded toy scenes: the training set cut to a seeded 10% label split, written by
#   python tools/make_label_split.py configs/seg/mocofcn/mocofcn_r18-d8_lp-300i_toyscenes.py \
#       --fraction 0.1 --seed 0
# to <data_root>/splits/train_10pct_seed0.txt.
_base_ = './toy_scenes_seg.py'
train_dataloader = dict(dataset=dict(ann_file='splits/train_10pct_seed0.txt'))
