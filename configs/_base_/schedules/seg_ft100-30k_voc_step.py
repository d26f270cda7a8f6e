# FT-100% on VOC 2012 aug with the draft report's step decay: seg_ft100-30k_voc.py with the lr
# held at 0.003 and cut to 3e-4 (x0.1, the cosine's end) at two thirds of the 30k iterations.
_base_ = './seg_ft100-30k_voc.py'
param_scheduler = [
    dict(
        type='MultiStepLR',
        milestones=[20000],
        gamma=0.1,
        by_epoch=False,
        begin=0,
        end=30000)
]
