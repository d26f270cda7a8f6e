# PRCL: the view-to-view change of matched cells must agree within an image (MoCoFCN decoder).
model = dict(
    type='PRCL',
    momentum=0.99,
    pos_threshold=0.7,
    neck=dict(type='DenseProjector', in_channels=256, hid_channels=256, out_channels=128))
