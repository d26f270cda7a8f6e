# "DINO + PLMoCo" w/dec (FCN decoder on the token map, stride 16) on ViT-S/16, continued from
# DINO's released ViT-S/16 backbone on PASCAL VOC 2012 aug (the 10,582 train_aug images, labels
# unused), NeCo-style: method settings of the ResNet-50 reference row
# (_base_/models/plmoco_r50b-d8-mocofcn.py), views/masks of _base_/datasets/voc12aug_selfsup.py
# (224 px views: 14 x 14 tokens), AdamW, 20 epochs, loaded parameters ramped
# (_base_/schedules/selfsup_adamw_cos_20e_from-dino.py).
_base_ = [
    '../../_base_/models/plmoco_r50b-d8-mocofcn.py',
    '../../_base_/models/vit-s16.py',
    '../../_base_/datasets/voc12aug_selfsup.py',
    '../../_base_/schedules/selfsup_adamw_cos_20e_from-dino.py',
    '../../_base_/selfsup_runtime.py',
]
model = dict(backbone={{_base_.vit_backbone}}, decoder={{_base_.vit_fcn_decoder}})
