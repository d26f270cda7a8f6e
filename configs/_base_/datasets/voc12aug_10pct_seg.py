# FT-10% on VOC 2012 aug: the training set of voc12aug_seg.py cut to a seeded 10% label split, one
# list per part of the ConcatDataset, written beside MMSeg's lists by
#   python tools/make_label_split.py configs/seg/<head>/<head>_r18-d8_ft100-30k_voc12aug.py \
#       --fraction 0.1 --seed 0
# (ImageSets/Segmentation/{train,aug}_10pct_seed0.txt). Validation is unchanged.
_base_ = './voc12aug_seg.py'
train_dataloader = dict(
    dataset=dict(datasets=[
        dict(_base_.voc_train, ann_file='ImageSets/Segmentation/train_10pct_seed0.txt'),
        dict(_base_.voc_aug, ann_file='ImageSets/Segmentation/aug_10pct_seed0.txt'),
    ]))
