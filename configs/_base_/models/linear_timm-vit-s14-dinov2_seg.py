# Linear segmentation model on DINOv2's ViT-S/14 (timm_vit-s14-dinov2.py): a 1x1 conv_seg straight
# on the last block's normed patch tokens (stride 14), its logits upsampled to the labels: the
# frozen-token linear probe (with FrozenEncoderDecoder). A checkpoint of the timm pre-training
# configs converts into it (backbone.model.*; conv_seg is the only new layer). DINOv2 itself, the
# baseline row: backbone.checkpoint='checkpoints/dinov2_vits14_pretrain.pth' (loaded by the
# backbone's init_weights; any layout of ssl4dp_mm/utils/timm_layouts.py). The backbone's
# dynamic_img_pad pads inputs that are not a multiple of 14 px (512 px crops: 37 x 37 tokens, the
# last covering 8 px of padding), as MMSeg's own ViT pads to 16.
# Leaf configs set decode_head.num_classes for their dataset.
_base_ = ['mmseg::_base_/models/fcn_r50-d8.py', './timm_vit-s14-dinov2.py']
model = dict(
    pretrained=None,  # load ours with load_from instead
    backbone={{_base_.timm_backbone}},
    decode_head=dict(
        _delete_=True,
        type='mmseg.FCNHead',
        in_channels={{_base_.timm_embed_dims}},
        in_index=-1,
        channels={{_base_.timm_embed_dims}},
        num_convs=0,
        concat_input=False,
        dropout_ratio=0.0,
        num_classes=19,
        norm_cfg=dict(type='BN', requires_grad=True),
        align_corners=False,
        loss_decode=dict(type='mmseg.CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    auxiliary_head=None)
