# Exemplar-v2 w/dec with the DeepLabv3+ (DepthwiseSeparableASPPHead) decoder (r18-d8.py:
# dlv3p_decoder) instead of MoCoFCN, so that the pre-trained decoder loads into the matching MMSeg
# head key for key; otherwise as exemplarv2_r18-d8-mocofcn_1xb8-300i_toyscenes.py. DeepLabv3+
# reads stages 1 and 4 of the backbone and outputs at stride 4; its map is average-pooled into the
# image vector, so the skip (c1_bottleneck) and the fuse convs (sep_bottleneck) train with the
# rest.
_base_ = './exemplarv2_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
model = dict(
    decoder=dict(_delete_=True, **_base_.dlv3p_decoder),
    neck=dict(in_channels=_base_.decoder_channels.dlv3p))
