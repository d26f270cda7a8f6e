# Linear segmentation model on ConvNeXt-T (timm_convnext-t.py): a 1x1 conv_seg straight on the last
# stage's normed map (stride 32, 768 channels), its logits upsampled to the labels: the frozen-map
# linear probe (with FrozenEncoderDecoder). A checkpoint of the timm pre-training configs converts
# into it (backbone.model.*; conv_seg is the only new layer); the public ConvNeXt-T itself:
# backbone.checkpoint='checkpoints/convnext_tiny.pth'. Leaf configs set decode_head.num_classes.
_base_ = ['mmseg::_base_/models/fcn_r50-d8.py', './timm_convnext-t.py']
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
