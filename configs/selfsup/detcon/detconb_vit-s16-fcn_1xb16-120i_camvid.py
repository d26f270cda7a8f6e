# DetCon-B w/dec on ViT-S/16 (FCN decoder on the last-layer token map, stride 16) pre-trained on
# CamVid's training images without labels: the views, masks and budget of the ResNet-18 CamVid
# configs (128 px views: 8 x 8 tokens), AdamW (selfsup_adamw_cos_camvid-120i.py).
_base_ = [
    '../../_base_/models/detconb_r18-d8-mocofcn.py',
    '../../_base_/models/vit-s16.py',
    '../../_base_/datasets/camvid_masks-s16.py',
    '../../_base_/schedules/selfsup_adamw_cos_camvid-120i.py',
    '../../_base_/selfsup_runtime.py',
]
model = dict(backbone={{_base_.vit_backbone}}, decoder={{_base_.vit_fcn_decoder}})
