# "DINO + DetCon-S" w/dec (FCN decoder on the token map, stride 16) on ViT-S/16, continued from
# DINO's released ViT-S/16 backbone on Cityscapes (the 2,975 train images, labels unused),
# NeCo-style: method settings of the ResNet-50 reference row
# (_base_/models/detcons_r50b-d8-mocofcn.py), views/masks of
# _base_/datasets/cityscapes_selfsup.py (224 px views: 14 x 14 tokens), AdamW, 20 epochs, loaded
# parameters ramped (_base_/schedules/selfsup_adamw_cos_20e_from-dino.py).
_base_ = [
    '../../_base_/models/detcons_r50b-d8-mocofcn.py',
    '../../_base_/models/vit-s16.py',
    '../../_base_/datasets/cityscapes_selfsup.py',
    '../../_base_/datasets/pieces/masks.py',
    '../../_base_/schedules/selfsup_adamw_cos_20e_from-dino.py',
    '../../_base_/selfsup_runtime.py',
]
feat_stride = 16
train_pipeline = [
    *_base_.load_pipeline,
    _base_.felzenszwalb_masks,
    _base_.two_views,
    dict(_base_.sample_masks, feat_stride=feat_stride),
    _base_.pack_masks,
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
model = dict(backbone={{_base_.vit_backbone}}, decoder={{_base_.vit_fcn_decoder}})
