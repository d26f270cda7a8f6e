# PLMoCo w/dec (MoCoFCN decoder) pre-trained on CamVid's training images without labels (reduced
# resolution, the budget of the CamVid quality benchmark: benchmarks/camvid_quality.py).
_base_ = [
    '../../_base_/models/plmoco_r18-d8-mocofcn.py',
    '../../_base_/datasets/camvid_selfsup.py',
    '../../_base_/schedules/selfsup_sgd_cos_camvid-120i.py',
    '../../_base_/selfsup_runtime.py',
]
