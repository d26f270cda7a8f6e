# Linear segmentation model: a 1x1 conv_seg straight on the backbone's last normed map (FCNHead
# without convolutions), its logits upsampled to the labels: the frozen-map linear probe (with
# FrozenEncoderDecoder). A model base sets in_channels and channels to its backbone's width.
_base_ = './fcn.py'
model = dict(
    decode_head=dict(
        _delete_=True,
        type='mmseg.FCNHead',
        in_index=-1,
        num_convs=0,
        concat_input=False,
        dropout_ratio=0.0,
        num_classes=19,
        norm_cfg=dict(type='BN', requires_grad=True),
        align_corners=False,
        loss_decode=dict(type='mmseg.CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)))
