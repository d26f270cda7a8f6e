# MMSelfSup's own DenseCL on the plain-stem dilated ResNet-50 (last stage) at DenseCL's settings:
# queue 65,536, momentum 0.999, necks 2048 -> 2048 -> 128, loss_lambda 0.5, temperature 0.2
# (Wang et al. 2021). Its loss_lambda warm-up is DenseCLHook, which leaves register.
# Plain stem (mmseg.ResNet, r50b-d8.py): MoCo v2 / torchvision checkpoints are plain-stem
# ResNet-50s.
_base_ = './densecl_r18-d8.py'
backbone = dict(type='mmseg.ResNet', depth=50)  # = r50b-d8.py, last stage
model = dict(queue_len=65536, momentum=0.999, backbone=backbone,
             neck=dict(in_channels=2048, hid_channels=2048))
