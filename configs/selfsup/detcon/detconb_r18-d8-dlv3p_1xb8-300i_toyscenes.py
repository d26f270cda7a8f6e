# DetCon-B w/dec with the DeepLabv3+ (DepthwiseSeparableASPPHead) decoder (r18-d8.py:
# dlv3p_decoder) instead of MoCoFCN, so that the pre-trained decoder loads into the matching MMSeg
# head key for key; otherwise as detconb_r18-d8-mocofcn_1xb8-300i_toyscenes.py. DeepLabv3+ reads
# stages 1 and 4 of the backbone and outputs at stride 4 (the other decoders at 8): the region ids
# are sampled among the masks present at stride 4 (SampleMaskIds feat_stride=4), the resolution at
# which the model pools the regions.
_base_ = './detconb_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
model = dict(
    decoder=dict(_delete_=True, **_base_.dlv3p_decoder),
    neck=dict(in_channels=_base_.decoder_channels.dlv3p))
feat_stride = 4  # the decoder's output stride: masks are sampled where the model pools them
train_pipeline = [
    dict(t, feat_stride=feat_stride) if t['type'] == 'SampleMaskIds' else t
    for t in _base_.train_pipeline
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
