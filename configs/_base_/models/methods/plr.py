# Patch-level rotation prediction: a 1x1-conv 4-way classifier on the MoCoFCN decoder output.
model = dict(
    type='PatchRotationPred',
    label_key='rot_label',
    head=dict(type='DenseClsHead', in_channels=256, num_classes=4))
