# P2Vec w/dec (MoCoFCN) at the reference scale, on the plain-stem ResNet-50 of r50b-d8.py: the
# decoder's output at a masked cell picks the backbone's word there among the batch's words; the
# word projector reads the 2048-channel map. Mask ratio 0.25 and temperature 0.2: ours (as
# methods/p2vec.py); no queue, no momentum.
_base_ = ['./r50b-d8.py', './methods/p2vec.py']
model = dict(data_preprocessor={{_base_.selfsup_data_preprocessor}}, backbone={{_base_.backbone}},
             decoder={{_base_.mocofcn_decoder}}, word_neck=dict(in_channels=2048))
