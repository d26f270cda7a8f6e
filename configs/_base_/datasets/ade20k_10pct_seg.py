# FT-10% on ADE20K: the training set of ade20k_seg.py cut to a seeded 10% label split, the list
# written under data_root by
#   python tools/make_label_split.py configs/seg/<head>/<head>_r18-d8_ft100-80k_ade20k.py \
#       --fraction 0.1 --seed 0
# (splits/training_10pct_seed0.txt; tools/reproduce.py --seg HEAD ft100 ade20k prints that leaf).
# Validation is unchanged.
_base_ = './ade20k_seg.py'
train_dataloader = dict(dataset=dict(ann_file='splits/training_10pct_seed0.txt'))
