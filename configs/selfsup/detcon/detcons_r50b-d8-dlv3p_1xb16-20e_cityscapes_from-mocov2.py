# "MoCo-v2 + DetCon-S" with the DeepLabv3+ (DepthwiseSeparableASPPHead) decoder (dlv3p_decoder of
# r50b-d8.py, 512 channels, stage-1 skip 256 -> 48), so that the pre-trained decoder loads into
# the reference DeepLabv3+ head key for key; otherwise as
# detcons_r50b-d8-mocofcn_1xb16-20e_cityscapes_from-mocov2.py. DeepLabv3+ reads stages 1 and 4 of
# the backbone and outputs at stride 4 (the other decoders at 8): the region ids are sampled among
# the masks present at stride 4 (SampleMaskIds feat_stride=4), the resolution at which the model
# pools the regions.
_base_ = './detcons_r50b-d8-mocofcn_1xb16-20e_cityscapes_from-mocov2.py'
model = dict(
    decoder=dict(_delete_=True, **_base_.dlv3p_decoder),
    neck=dict(in_channels=_base_.decoder_channels.dlv3p))
feat_stride = 4  # the decoder's output stride: masks are sampled where the model pools them
train_pipeline = [
    dict(t, feat_stride=feat_stride) if t['type'] == 'SampleMaskIds' else t
    for t in _base_.train_pipeline
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
