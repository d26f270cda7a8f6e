# FT-10%: all parameters learn on a seeded 10% label split; PASCAL VOC 2012 aug, at the reference
# schedule, with layer-wise lr decay for ViTs (schedules/seg_vit_optim.py). Leaf configs add a
# model base, the classes and the input size.
_base_ = [
    '../datasets/voc12aug_seg.py',
    '../schedules/seg_vit_ft10-5k_voc.py',
    '../seg_runtime.py',
]
train_dataloader = _base_.label_split_10pct  # the dataset's seeded 10% split
