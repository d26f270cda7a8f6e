"""Synthetic public ViT checkpoints, with the key names and shapes timm and DINO write."""
import torch


def timm_vit_state(depth: int = 12, dim: int = 192, patch: int = 16, grid: int = 14,
                   num_classes: int = 1000, seed: int = 0) -> dict:
    """A timm ``VisionTransformer`` state dict (``vit_tiny_patch16_224`` names): class token,
    position embedding for ``grid`` x ``grid`` patches, patch projection with bias, ``depth`` blocks
    (fused qkv, MLP ratio 4), final ``norm`` and a classifier ``head``; small random values."""
    g = torch.Generator().manual_seed(seed)

    def rand(*shape):
        return torch.randn(*shape, generator=g) * 0.02

    state = {
        'cls_token': rand(1, 1, dim),
        'pos_embed': rand(1, 1 + grid * grid, dim),
        'patch_embed.proj.weight': rand(dim, 3, patch, patch),
        'patch_embed.proj.bias': rand(dim),
    }
    for i in range(depth):
        b = f'blocks.{i}.'
        state.update({
            b + 'norm1.weight': 1 + rand(dim), b + 'norm1.bias': rand(dim),
            b + 'attn.qkv.weight': rand(3 * dim, dim), b + 'attn.qkv.bias': rand(3 * dim),
            b + 'attn.proj.weight': rand(dim, dim), b + 'attn.proj.bias': rand(dim),
            b + 'norm2.weight': 1 + rand(dim), b + 'norm2.bias': rand(dim),
            b + 'mlp.fc1.weight': rand(4 * dim, dim), b + 'mlp.fc1.bias': rand(4 * dim),
            b + 'mlp.fc2.weight': rand(dim, 4 * dim), b + 'mlp.fc2.bias': rand(dim),
        })
    state.update({'norm.weight': 1 + rand(dim), 'norm.bias': rand(dim),
                  'head.weight': rand(num_classes, dim), 'head.bias': rand(num_classes)})
    return state


def dino_backbone_release(**kwargs) -> dict:
    """DINO's released backbone weights (``dino_deitsmall16_pretrain.pth``): the timm names
    without a classifier."""
    return {k: v for k, v in timm_vit_state(**kwargs).items() if not k.startswith('head.')}


def dino_training_checkpoint(**kwargs) -> dict:
    """DINO's ``checkpoint.pth``: student (DDP, ``module.backbone.*``) and teacher
    (``backbone.*``), each with DINO's projection head, plus the optimizer and the epoch."""
    backbone = dino_backbone_release(**kwargs)
    dim = backbone['cls_token'].shape[-1]
    head = {'head.mlp.0.weight': torch.zeros(2048, dim), 'head.last_layer.weight_g': torch.ones(1)}
    teacher = {**{'backbone.' + k: v for k, v in backbone.items()}, **head}
    student = {'module.' + k: v.clone() + 1 for k, v in teacher.items()}
    return dict(student=student, teacher=teacher, optimizer={}, epoch=100, args=None,
                dino_loss={'center': torch.zeros(1, 65536)})
