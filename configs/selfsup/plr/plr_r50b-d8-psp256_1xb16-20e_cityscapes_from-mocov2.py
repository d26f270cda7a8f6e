# "MoCo-v2 + PLR" with the PSPNet-256 (PSPHead with 256 channels) decoder (psp256_decoder of
# r50b-d8.py, 256 channels), so that the pre-trained decoder loads into the reference PSPNet-256
# head key for key; otherwise as plr_r50b-d8-mocofcn_1xb16-20e_cityscapes_from-mocov2.py.
_base_ = './plr_r50b-d8-mocofcn_1xb16-20e_cityscapes_from-mocov2.py'
model = dict(
    decoder=dict(_delete_=True, **_base_.psp256_decoder),
    head=dict(in_channels=_base_.decoder_channels.psp256))
