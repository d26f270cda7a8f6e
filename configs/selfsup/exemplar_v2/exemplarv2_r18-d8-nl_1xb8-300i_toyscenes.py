# Exemplar-v2 w/dec with the Non-local (NLHead) decoder (r18-d8.py: nl_decoder) instead of
# MoCoFCN, so that the pre-trained decoder loads into the matching MMSeg head key for key;
# otherwise as exemplarv2_r18-d8-mocofcn_1xb8-300i_toyscenes.py.
_base_ = './exemplarv2_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
model = dict(
    decoder=dict(_delete_=True, **_base_.nl_decoder),
    neck=dict(in_channels=_base_.decoder_channels.nl))
