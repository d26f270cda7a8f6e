_base_ = ['../../_base_/models/pspnet_r50b-d8_seg.py',
          '../../_base_/protocols/ft100-30k_voc12aug.py']
model = dict(data_preprocessor=dict(size={{_base_.crop_size}}), decode_head=dict(num_classes=21))
