# The CamVid quality benchmark's probe for checkpoints that carry a pre-trained MoCoFCN
# decoder.
_base_ = ['../../_base_/models/mocofcn_r18-d8_seg.py',
          '../../_base_/protocols/lp-100i_camvid-half.py']
model = dict(
    type='FrozenEncoderDecoder', trainable=['decode_head.conv_seg'],
    data_preprocessor=dict(size={{_base_.crop_size}}), decode_head=dict(num_classes=11))
