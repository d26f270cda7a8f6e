# EDMoCo (MoCo w/dec, encoder at 1/100 of the lr) with the Non-local (NLHead) decoder (r18-d8.py:
# nl_decoder) pre-trained on CamVid; otherwise as edmoco_r18-d8-mocofcn_1xb16-120i_camvid.py.
_base_ = './edmoco_r18-d8-mocofcn_1xb16-120i_camvid.py'
model = dict(
    decoder=dict(_delete_=True, **_base_.nl_decoder),
    neck=dict(in_channels=_base_.decoder_channels.nl))
