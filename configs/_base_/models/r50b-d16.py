# Dilated ResNet-50 with the plain stem (torchvision / MoCo v2 / DenseCL checkpoints) at output
# stride 16.
_base_ = './r50-d16.py'
backbone = dict(type='mmseg.ResNet')
