# MoCo multi-crop w/dec (constrained multi-crop, kNN positives) with the Non-local (NLHead)
# decoder (r18-d8.py: nl_decoder) instead of MoCoFCN, so that the pre-trained decoder loads into
# the matching MMSeg head key for key; otherwise as mocomc_r18-d8-mocofcn_1xb8-300i_toyscenes.py.
# The kNN queue holds the pooled decoder features (neck.in_channels wide).
_base_ = './mocomc_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
model = dict(
    decoder=dict(_delete_=True, **_base_.nl_decoder),
    neck=dict(in_channels=_base_.decoder_channels.nl))
