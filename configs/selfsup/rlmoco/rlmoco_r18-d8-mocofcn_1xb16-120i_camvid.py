# RLMoCo w/dec (MoCoFCN decoder, SLIC regions) pre-trained on CamVid's training images without
# labels (reduced resolution, the budget of the CamVid quality benchmark:
# benchmarks/camvid_quality.py).
_base_ = [
    '../../_base_/models/rlmoco_r18-d8-mocofcn.py',
    '../../_base_/datasets/camvid_masks-slic.py',
    '../../_base_/schedules/selfsup_sgd_cos_camvid-120i.py',
    '../../_base_/selfsup_runtime.py',
]
