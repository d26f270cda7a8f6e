# MMSelfSup's own MoCo v2 on the plain-stem dilated ResNet-50 (last stage only, as its neck takes
# one map) at MoCo v2's settings: queue 65,536, momentum 0.999, MLP 2048 -> 2048 -> 128, temperature
# 0.2 (Chen et al. 2020). Like for like with our MoCoDec w/o dec.
# Plain stem (mmseg.ResNet, r50b-d8.py): MoCo v2 / torchvision checkpoints are plain-stem
# ResNet-50s.
_base_ = './mocov2_r18-d8.py'
backbone = dict(type='mmseg.ResNet', depth=50)  # = r50b-d8.py, last stage
model = dict(queue_len=65536, momentum=0.999, backbone=backbone,
             neck=dict(in_channels=2048, hid_channels=2048))
