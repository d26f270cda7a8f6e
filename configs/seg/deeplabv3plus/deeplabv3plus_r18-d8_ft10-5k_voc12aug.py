# DeepLabv3+ on ResNet-18-d8, FT-10%: all parameters learn on a seeded 10% label split; PASCAL VOC
# 2012 aug.
_base_ = [
    '../../_base_/models/deeplabv3plus_r18-d8_seg.py',
    '../../_base_/datasets/voc12aug_10pct_seg.py',
    '../../_base_/schedules/seg_ft10-5k_voc.py',
    '../../_base_/seg_runtime.py',
]
model = dict(data_preprocessor=dict(size={{_base_.crop_size}}), decode_head=dict(num_classes=21))
