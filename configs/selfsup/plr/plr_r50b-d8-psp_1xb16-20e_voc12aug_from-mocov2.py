# "MoCo-v2 + PLR" with the PSPNet (PSPHead) decoder (psp_decoder of r50b-d8.py, 512 channels), so
# that the pre-trained decoder loads into the reference PSPNet head key for key; otherwise as
# plr_r50b-d8-mocofcn_1xb16-20e_voc12aug_from-mocov2.py.
_base_ = './plr_r50b-d8-mocofcn_1xb16-20e_voc12aug_from-mocov2.py'
model = dict(
    decoder=dict(_delete_=True, **_base_.psp_decoder),
    head=dict(in_channels=_base_.decoder_channels.psp))
