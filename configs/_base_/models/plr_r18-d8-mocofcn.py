# Patch-level rotation prediction: a 1x1-conv 4-way classifier on the MoCoFCN decoder output.
_base_ = './r18-d8.py'
model = dict(
    type='PatchRotationPred',
    label_key='rot_label',
    data_preprocessor={{_base_.selfsup_data_preprocessor}},
    backbone={{_base_.backbone}},
    decoder={{_base_.mocofcn_decoder}},
    head=dict(type='DenseClsHead', in_channels=256, num_classes=4))
