_base_ = ['../../_base_/models/pspnet_r18-d8_seg.py',
          '../../_base_/protocols/lp-9k_cityscapes.py']
model = dict(
    type='FrozenEncoderDecoder', trainable=['decode_head.conv_seg'],
    data_preprocessor=dict(size={{_base_.crop_size}}), decode_head=dict(num_classes=19))
