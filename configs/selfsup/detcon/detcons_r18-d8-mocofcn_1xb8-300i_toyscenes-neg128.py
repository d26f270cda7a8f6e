# DetCon-S w/dec, ablation: far fewer negatives. Each step keeps 1/128 of the batch's target masks
# (both views), drawn anew, as negatives; every anchor keeps its positives. With batch 8, 16 masks
# and 2 views that is 2 of 256 targets (the review: negatives divided by 128).
_base_ = './detcons_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
model = dict(head=dict(negatives_divisor=128))
