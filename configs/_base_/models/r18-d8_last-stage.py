# The dilated ResNet-18 of r18-d8.py with only its last stage as output, for MMSelfSup's own
# algorithms (their necks take one feature map). Parameters, and so checkpoint keys, are those of
# r18-d8.py: baseline checkpoints convert to the segmentation model like ours.
_base_ = './r18-d8.py'
backbone = dict(out_indices=(3, ))
