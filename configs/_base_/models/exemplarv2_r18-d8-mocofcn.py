# Exemplar-v2 w/dec: MoCo w/dec (same projector, queue, temperature) without same-label negatives.
_base_ = './mocodec_r18-d8-mocofcn.py'
model = dict(type='ExemplarV2', multi_label=False)
