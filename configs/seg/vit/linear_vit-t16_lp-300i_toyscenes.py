_base_ = ['../../_base_/models/linear_vit-t16_seg.py',
          '../../_base_/protocols/lp-300i_toyscenes.py']
model = dict(
    type='FrozenEncoderDecoder', trainable=['decode_head.conv_seg'],
    data_preprocessor=dict(size={{_base_.crop_size}}), decode_head=dict(num_classes=6))
