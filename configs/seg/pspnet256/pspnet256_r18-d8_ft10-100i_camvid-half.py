_base_ = ['../../_base_/models/pspnet256_r18-d8_seg.py',
          '../../_base_/protocols/ft10-100i_camvid-half.py']
model = dict(data_preprocessor=dict(size={{_base_.crop_size}}), decode_head=dict(num_classes=11))
