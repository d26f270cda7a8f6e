# FT-10% (seeded 10% label split, layer-wise lr decay) on ViT-B/16, the FCN decoder of the ViT
# pre-training configs; cityscapes.
_base_ = [
    '../../_base_/models/fcn_vit-b16_seg.py',
    '../../_base_/datasets/cityscapes_10pct_seg.py',
    '../../_base_/schedules/seg_vit_ft10-15k_cityscapes.py',
    '../../_base_/seg_runtime.py',
]
model = dict(data_preprocessor=dict(size={{_base_.crop_size}}), decode_head=dict(num_classes=19))
