# The same with the DeepLabv3+ (DepthwiseSeparableASPPHead) decoder (r18-d8.py: dlv3p_decoder), so
# that the pre-trained decoder loads into the matching MMSeg head key for key. DeepLabv3+ reads
# stages 1 and 4 of the backbone; its output, and so every cell, is at stride 4.
_base_ = './plmocoplus_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
model = dict(
    decoder=dict(_delete_=True, **_base_.dlv3p_decoder),
    neck=dict(in_channels=_base_.decoder_channels.dlv3p),
    img_neck=dict(in_channels=_base_.decoder_channels.dlv3p))
