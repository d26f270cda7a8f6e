# P2Vec: the decoder's output at a masked cell (the context) picks the backbone's feature there (the
# word) among the words of the batch.
_base_ = './r18-d8.py'
model = dict(
    type='P2Vec',
    mask_ratio=0.25,
    data_preprocessor={{_base_.selfsup_data_preprocessor}},
    backbone={{_base_.backbone}},
    decoder={{_base_.mocofcn_decoder}},
    neck=dict(type='DenseProjector', in_channels=256, hid_channels=256, out_channels=128),
    word_neck=dict(type='DenseProjector', in_channels=512, hid_channels=256, out_channels=128),
    head=dict(type='ContrastiveHead', loss=dict(type='mmcls.CrossEntropyLoss'), temperature=0.2))
