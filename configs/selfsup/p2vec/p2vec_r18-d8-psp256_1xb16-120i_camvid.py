# P2Vec w/dec with the PSPNet-256 (PSPHead with 256 channels) decoder (r18-d8.py: psp256_decoder)
# pre-trained on CamVid; otherwise as p2vec_r18-d8-mocofcn_1xb16-120i_camvid.py.
_base_ = './p2vec_r18-d8-mocofcn_1xb16-120i_camvid.py'
model = dict(
    decoder=dict(_delete_=True, **_base_.psp256_decoder),
    neck=dict(in_channels=_base_.decoder_channels.psp256))
