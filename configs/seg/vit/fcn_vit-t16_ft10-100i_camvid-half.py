# FT-10% (seeded 10% label split, layer-wise lr decay) on ViT-Tiny/16, the FCN decoder of the ViT
# pre-training configs; camvid-half.
_base_ = [
    '../../_base_/models/fcn_vit-t16_seg.py',
    '../../_base_/datasets/camvid-half_10pct_seg.py',
    '../../_base_/schedules/seg_vit_ft10-100i_camvid-half.py',
    '../../_base_/seg_runtime.py',
]
model = dict(data_preprocessor=dict(size={{_base_.crop_size}}), decode_head=dict(num_classes=11))
