# FT-10% (seeded 10% label split, layer-wise lr decay) on ViT-Tiny/16, the FCN decoder of the ViT
# pre-training configs; camvid.
_base_ = [
    '../../_base_/models/fcn_vit-t16_seg.py',
    '../../_base_/datasets/camvid_10pct_seg.py',
    '../../_base_/schedules/seg_vit_ft10-2k_camvid.py',
    '../../_base_/seg_runtime.py',
]
model = dict(data_preprocessor=dict(size={{_base_.crop_size}}), decode_head=dict(num_classes=11))
