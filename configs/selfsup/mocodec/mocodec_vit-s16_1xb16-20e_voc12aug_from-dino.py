# "DINO + MoCo" w/o dec on ViT-S/16, the image-level reference of the DINO-continued rows: MoCo v2
# on the mean patch token, continued from DINO's ViT-S/16 with the schedule and views of the other
# *_vit-s16_*_voc12aug_from-dino.py configs.
_base_ = [
    '../../_base_/models/mocodec_r50b-d8-mocofcn.py',
    '../../_base_/models/vit-s16.py',
    '../../_base_/datasets/voc12aug_selfsup.py',
    '../../_base_/schedules/selfsup_adamw_cos_20e_from-dino.py',
    '../../_base_/selfsup_runtime.py',
]
model = dict(
    backbone={{_base_.vit_backbone}},
    decoder=None,
    neck=dict(in_channels=_base_.vit_embed_dims, hid_channels=_base_.vit_embed_dims))
