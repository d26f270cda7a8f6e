# PRCL w/dec on ViT-Tiny/16 (MMSeg's VisionTransformer): the ResNet-18 config's method (its model
# base) with the ViT encoder and an FCN decoder on the last-layer token map (stride 16), 128 px
# views (8 x 8 tokens), AdamW. The patch tokens are the cells: the view geometry is the ResNet's.
_base_ = [
    '../../_base_/models/prcl_r18-d8-mocofcn.py',
    '../../_base_/models/vit-t16.py',
    '../../_base_/datasets/toy_scenes_selfsup-128px.py',
    '../../_base_/schedules/selfsup_adamw_cos_300i.py',
    '../../_base_/selfsup_runtime.py',
]
model = dict(backbone={{_base_.vit_backbone}}, decoder={{_base_.vit_fcn_decoder}})
