# Exemplar-v2 w/dec (MoCoFCN) at the reference scale: MoCo w/dec of mocodec_r50b-d8-mocofcn.py
# (MoCo v2's queue 65,536, momentum 0.999, temperature 0.2, as Zhao et al. 2021 build on MoCo v2)
# without same-label negatives.
_base_ = './mocodec_r50b-d8-mocofcn.py'
model = dict(type='ExemplarV2', multi_label=False)
