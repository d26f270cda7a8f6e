_base_ = ['../../_base_/models/deeplabv3_r50b-d16_seg.py',
          '../../_base_/protocols/lp-3k_voc12aug.py']
model = dict(
    type='FrozenEncoderDecoder', trainable=['decode_head.conv_seg'],
    data_preprocessor=dict(size={{_base_.crop_size}}), decode_head=dict(num_classes=21))
