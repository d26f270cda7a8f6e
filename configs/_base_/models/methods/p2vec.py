# P2Vec: the decoder's output at a masked cell (the context) picks the backbone's feature there (the
# word) among the words of the batch.
model = dict(
    type='P2Vec',
    mask_ratio=0.25,
    neck=dict(type='DenseProjector', in_channels=256, hid_channels=256, out_channels=128),
    word_neck=dict(type='DenseProjector', in_channels=512, hid_channels=256, out_channels=128),
    head=dict(type='ContrastiveHead', loss=dict(type='mmcls.CrossEntropyLoss'), temperature=0.2))
