# MoCo w/dec plus constrained small crops and the kNN loss (top-20 neighbours, weight 0.4), as in
# Van Gansbeke et al. 2021; the kNN queue holds pooled decoder features (neck.in_channels).
_base_ = './mocodec_r18-d8-mocofcn.py'
model = dict(type='MoCoMultiCrop', knn_topk=20, knn_weight=0.4)
