_base_ = ['../../_base_/models/fcn_vit-s16_seg.py',
          '../../_base_/protocols/lp-1k_camvid.py']
model = dict(
    type='FrozenEncoderDecoder', trainable=['decode_head.conv_seg'],
    data_preprocessor=dict(size={{_base_.crop_size}}), decode_head=dict(num_classes=11))
