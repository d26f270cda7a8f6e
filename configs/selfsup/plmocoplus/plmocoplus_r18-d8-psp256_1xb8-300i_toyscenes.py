# The same with the PSPNet-256 (PSPHead with 256 channels) decoder (r18-d8.py: psp256_decoder), so
# that the pre-trained decoder loads into the matching MMSeg head key for key.
_base_ = './plmocoplus_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
model = dict(
    decoder=dict(_delete_=True, **_base_.psp256_decoder),
    neck=dict(in_channels=_base_.decoder_channels.psp256),
    img_neck=dict(in_channels=_base_.decoder_channels.psp256))
