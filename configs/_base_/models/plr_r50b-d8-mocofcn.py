# PLR (patch-level rotation prediction) w/dec (MoCoFCN) at the reference scale, on the plain-stem
# ResNet-50 of r50b-d8.py: a 1x1-conv 4-way classifier on the decoder output, per-pixel
# cross-entropy (image-level rotation prediction, Gidaris et al. 2018, made dense: ours, as
# methods/plr.py). No momentum encoder, no queue.
_base_ = ['./r50b-d8.py', './methods/plr.py']
model = dict(data_preprocessor={{_base_.selfsup_data_preprocessor}}, backbone={{_base_.backbone}},
             decoder={{_base_.mocofcn_decoder}})
