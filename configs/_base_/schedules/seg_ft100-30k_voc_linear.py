# FT-100% on VOC 2012 aug with the draft report's linear decay: seg_ft100-30k_voc.py (30k
# iterations, batch 16, SGD from 0.003) with the lr falling on a straight line to 3e-4, the
# cosine's end, so that the four decays of the draft report differ only in their shape.
_base_ = './seg_ft100-30k_voc.py'
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1.0,
        end_factor=0.1,
        by_epoch=False,
        begin=0,
        end=30000)
]
