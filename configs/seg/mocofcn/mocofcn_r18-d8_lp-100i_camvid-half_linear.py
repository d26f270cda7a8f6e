# LP-100% straight on the backbone: MoCoFCN's head without its two convolutions (num_convs=0), so
# the 1x1 conv_seg reads the 512-channel ResNet-18-d8 map. The CamVid quality benchmark's probe for
# checkpoints without a decoder (and random init): a linear probe of what was pre-trained, instead
# of one through a random frozen decoder.
_base_ = './mocofcn_r18-d8_lp-100i_camvid-half.py'
model = dict(decode_head=dict(num_convs=0, channels=512, concat_input=False))
