_base_ = ['../../_base_/models/pspnet_r18-d8_seg.py',
          '../../_base_/protocols/ft100-10k_camvid.py']
model = dict(data_preprocessor=dict(size={{_base_.crop_size}}), decode_head=dict(num_classes=11))
