# FT-100% (all parameters learn, layer-wise lr decay) on ViT-B/16, the FCN decoder of the ViT
# pre-training configs; voc12aug.
_base_ = [
    '../../_base_/models/fcn_vit-b16_seg.py',
    '../../_base_/datasets/voc12aug_seg.py',
    '../../_base_/schedules/seg_vit_ft100-30k_voc.py',
    '../../_base_/seg_runtime.py',
]
model = dict(data_preprocessor=dict(size={{_base_.crop_size}}), decode_head=dict(num_classes=21))
