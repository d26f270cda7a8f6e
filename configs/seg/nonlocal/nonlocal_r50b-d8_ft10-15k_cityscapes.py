_base_ = ['../../_base_/models/nonlocal_r50b-d8_seg.py',
          '../../_base_/protocols/ft10-15k_cityscapes.py']
model = dict(data_preprocessor=dict(size={{_base_.crop_size}}), decode_head=dict(num_classes=19))
