# MoCo w/dec plus constrained multi-crop and the kNN loss (top-20 neighbours, weight 0.4: Van
# Gansbeke et al. 2021) at the reference scale, on the MoCo w/dec of mocodec_r50b-d8-mocofcn.py
# (MoCo v2's queue 65,536 and momentum 0.999, which the paper keeps).
_base_ = './mocodec_r50b-d8-mocofcn.py'
model = dict(type='MoCoMultiCrop', knn_topk=20, knn_weight=0.4)
