# "MoCo-v2 + MoCo + multi-crop/AutoAugment/kNN" with the Non-local (NLHead) decoder (nl_decoder of
# r50b-d8.py, 512 channels), so that the pre-trained decoder loads into the reference Non-local
# head key for key; otherwise as mocomc_r50b-d8-mocofcn_1xb16-20e_cityscapes_from-mocov2.py. The
# kNN queue holds the pooled decoder features (neck.in_channels wide).
_base_ = './mocomc_r50b-d8-mocofcn_1xb16-20e_cityscapes_from-mocov2.py'
model = dict(
    decoder=dict(_delete_=True, **_base_.nl_decoder),
    neck=dict(in_channels=_base_.decoder_channels.nl))
