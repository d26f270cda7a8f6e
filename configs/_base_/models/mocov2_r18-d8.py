# MMSelfSup's own MoCo v2 (Chen et al. 2020, https://arxiv.org/abs/2003.04297) on the dilated
# ResNet-18, like for like with our MoCoDec w/o dec: MoCo w/dec's values (methods/mocodec.py), its
# projector on the backbone's last map (512 channels) instead of the decoder's output.
_base_ = ['./r18-d8_last-stage.py', './methods/mocodec.py']
model = dict(
    type='mmselfsup.MoCo',
    data_preprocessor={{_base_.selfsup_data_preprocessor}},
    backbone={{_base_.backbone}},
    neck=dict(in_channels=512, hid_channels=512))
