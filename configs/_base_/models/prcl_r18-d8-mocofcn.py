# PRCL: the view-to-view change of matched cells must agree within an image (MoCoFCN decoder).
_base_ = './r18-d8.py'
model = dict(
    type='PRCL',
    momentum=0.99,
    pos_threshold=0.7,
    data_preprocessor={{_base_.selfsup_data_preprocessor}},
    backbone={{_base_.backbone}},
    decoder={{_base_.mocofcn_decoder}},
    neck=dict(type='DenseProjector', in_channels=256, hid_channels=256, out_channels=128))
