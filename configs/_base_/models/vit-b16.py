# ViT-B/16 (DINO's ViT-B/16, timm vit_base_patch16_224: 768 dims, 12 heads, 12 layers); the rest as
# vit-t16.py.
_base_ = './vit-t16.py'
vit_embed_dims = 768
vit_backbone = dict(embed_dims=vit_embed_dims, num_heads=12)
vit_fcn_decoder = dict(in_channels=vit_embed_dims)
vit_linear_head = dict(in_channels=vit_embed_dims, channels=vit_embed_dims)
