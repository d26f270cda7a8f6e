"""ViT patch tokens as cells: the token map tiles the view at stride 16 in row-major order, the
cell geometry of ``patch_matching`` holds for it unchanged, and a query token's matched key token
shows the same original-image point.

The image point a token shows is read from pixels, not computed from boxes: an image whose first
two channels hold each pixel's original x and y goes through the real view transforms (crop,
resize, flip) and through MMSeg's ``VisionTransformer`` up to its patch embedding (position
embedding zeroed, projection = the mean of those two channels over the 16 x 16 patch; the class
token dropped and the tokens reshaped by the model's own code, ``out_origin=True``).
"""
import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope
from mmselfsup.registry import MODELS

from ssl4dp_mm.checkpoints.vit_layouts import resize_pos_embed
from ssl4dp_mm.datasets.transforms import RandomFlipWithCoord, RandomResizedCropWithCoord
from ssl4dp_mm.models.algorithms.encoder_decoder_base import check_token_grid
from ssl4dp_mm.models.utils import cell_centers, cell_diagonal, match_cells
from tests.conftest import load_config

PATCH = 16
H, W = 96, 128  # the toy scenes' size


def vit_cfg(**overrides):
    cfg = load_config('_base_/models/vit-t16.py').vit_backbone
    cfg.pop('_delete_')
    cfg.update(overrides)
    return cfg


def point_reader():
    """A ViT whose origin output holds, per token, the mean of channels 0 and 1 of its pixels."""
    init_default_scope('mmselfsup')
    vit = MODELS.build(vit_cfg(out_origin=True, num_layers=1, out_indices=(0, )))
    with torch.no_grad():
        vit.pos_embed.zero_()
        weight = vit.patch_embed.projection.weight  # Dx3x16x16
        weight.zero_()
        weight[0, 0] = weight[1, 1] = 1. / PATCH**2
        vit.patch_embed.projection.bias.zero_()
    vit.eval()  # (MMSeg's VisionTransformer.train returns None: no chaining)
    return vit


def coordinate_image() -> np.ndarray:
    """HxWx3 float32: channel 0 the original x of each pixel centre, channel 1 its y."""
    y, x = np.mgrid[0:H, 0:W].astype(np.float32)
    return np.stack([x + .5, y + .5, np.zeros_like(x)], axis=-1)


def make_view(seed: int, size, flip: bool, scale=(0.2, 0.8)):
    np.random.seed(seed)
    results = dict(img=coordinate_image())
    results = RandomResizedCropWithCoord(size, scale=scale)(results)
    results = RandomFlipWithCoord(prob=1.0 if flip else 0.0)(results)
    img = torch.from_numpy(np.ascontiguousarray(results['img'])).permute(2, 0, 1)[None]  # 1x3xHxW
    return img, torch.from_numpy(results['coord_box'])[None]  # 1x4


def read_points(vit, img) -> torch.Tensor:
    """1x(h*w)x2 original (x, y) of every token, row-major, from the model's token map."""
    with torch.no_grad():
        tokens = vit(img)[0]  # 1xDxhxw: the patch embedding reshaped as the layer outputs are
    assert tokens.shape[2:] == (img.shape[2] // PATCH, img.shape[3] // PATCH)
    return tokens[:, :2].flatten(2).transpose(1, 2)


@pytest.mark.parametrize('seed,size_q,size_k,flip', [
    (0, (128, 128), (128, 128), False),
    (1, (128, 128), (96, 160), True),
    (2, (64, 112), (128, 128), True),
])
def test_token_points_are_the_cell_centres(seed, size_q, size_k, flip):
    vit = point_reader()
    for i, (size, flipped) in enumerate([(size_q, False), (size_k, flip)]):
        img, box = make_view(seed * 10 + i, size, flipped)
        h, w = size[0] // PATCH, size[1] // PATCH
        read = read_points(vit, img)  # 1x(h*w)x2
        cell_w = (box[0, 2] - box[0, 0]).abs() / w
        torch.testing.assert_close(read, cell_centers(box, h, w), atol=float(cell_w) * 0.05,
                                   rtol=0)


@pytest.mark.parametrize('seed', range(6))
def test_matched_tokens_show_the_same_image_point(seed):
    vit = point_reader()
    # crops of more than half the image each: the two views always overlap
    img_q, box_q = make_view(100 + seed, (128, 128), False, scale=(0.55, 0.9))
    img_k, box_k = make_view(200 + seed, (96, 144), seed % 2 == 1, scale=(0.55, 0.9))
    size_q, size_k = (8, 8), (6, 9)
    index, valid = match_cells(box_q, box_k, size_q, size_k)  # 1xSq
    p_q, p_k = read_points(vit, img_q)[0], read_points(vit, img_k)[0]  # Sqx2, Skx2
    diag = max(float(cell_diagonal(box_q, *size_q)), float(cell_diagonal(box_k, *size_k)))
    dist = (p_q - p_k[index[0]]).norm(dim=1)  # Sq: query token vs its matched key token
    assert valid.any()
    assert (dist[valid[0]] < 0.7 * diag * 1.05).all()
    # the matched key token is the one whose pixels lie nearest the query token's (read points)
    nearest = torch.cdist(p_q, p_k).argmin(dim=1)
    inside = valid[0] & ((torch.cdist(p_q, p_k).sort(dim=1).values[:, :2].diff(dim=1)[:, 0])
                         > 0.05 * diag)  # no near-tie between the two closest key tokens
    assert torch.equal(index[0][inside], nearest[inside])


def test_position_embedding_is_interpolated_for_any_view_size():
    init_default_scope('mmselfsup')
    vit = MODELS.build(vit_cfg(num_layers=2, out_indices=(1, )))
    vit.init_weights()
    vit.eval()
    for size in [(128, 128), (96, 160), (224, 224), (64, 48)]:
        with torch.no_grad():
            out = vit(torch.randn(1, 3, *size))[0]
        assert out.shape == (1, 192, size[0] // PATCH, size[1] // PATCH)
    # the stored grid is 14 x 14 (img_size 224); MMSeg's interpolation is the one the checkpoint
    # fitting uses (bicubic, class token kept)
    pos = vit.pos_embed.detach()
    ours = resize_pos_embed(pos, (6, 10))
    theirs = vit.resize_pos_embed(pos, (6, 10), (14, 14), 'bicubic')
    torch.testing.assert_close(ours, theirs)
    torch.testing.assert_close(resize_pos_embed(pos, (14, 14)), pos)


def test_views_off_the_patch_grid_are_refused():
    init_default_scope('mmselfsup')
    vit = MODELS.build(vit_cfg(num_layers=1, out_indices=(0, )))
    check_token_grid(vit, torch.zeros(1, 3, 128, 96))
    with pytest.raises(ValueError, match='not a multiple of the ViT patch size 16'):
        check_token_grid(vit, torch.zeros(1, 3, 120, 128))
    check_token_grid(torch.nn.Conv2d(3, 3, 1), torch.zeros(1, 3, 121, 121))  # not a ViT
