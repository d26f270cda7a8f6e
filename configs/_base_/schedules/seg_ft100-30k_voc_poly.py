# FT-100% on VOC 2012 aug with the draft report's poly decay: seg_ft100-30k_voc.py with MMSeg's
# polynomial decay (power 0.9) from 0.003 to 3e-4, the cosine's end.
_base_ = './seg_ft100-30k_voc.py'
param_scheduler = [
    dict(
        type='PolyLR',
        eta_min=3e-4,
        power=0.9,
        by_epoch=False,
        begin=0,
        end=30000)
]
