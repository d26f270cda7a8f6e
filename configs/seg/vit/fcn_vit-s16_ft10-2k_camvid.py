_base_ = ['../../_base_/models/fcn_vit-s16_seg.py',
          '../../_base_/protocols/vit_ft10-2k_camvid.py']
model = dict(data_preprocessor=dict(size={{_base_.crop_size}}), decode_head=dict(num_classes=11))
