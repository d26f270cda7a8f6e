"""SLIC and Felzenszwalb superpixels as region masks (scikit-image), computed once per image."""
import numpy as np
from mmselfsup.registry import TRANSFORMS
from skimage.segmentation import felzenszwalb, slic

from .region_masks import CachedRegionMasks


@TRANSFORMS.register_module()
class FelzenszwalbMasks(CachedRegionMasks):
    """Felzenszwalb-Huttenlocher graph segments (``skimage.segmentation.felzenszwalb``).

    DetCon's masks (Hénaff et al., 2021, https://arxiv.org/abs/2103.10957) use ``scale=1000``,
    ``min_size=1000`` on full-resolution ImageNet images (about 500x375). Both parameters are in
    pixels of area, so for smaller images scale them with the image area (e.g. about 64 for the
    96x128 toy scenes).

    Required keys: ``img``. Added keys: ``key``; ``key`` is appended to ``seg_fields``.

    Args:
        scale (float): Larger gives larger segments. Defaults to 1000.
        sigma (float): Gaussian smoothing before segmenting. Defaults to 0.8.
        min_size (int): Smallest segment, in pixels. Defaults to 1000.
        **kwargs: ``key``, ``cache_dir``, ``img_root``, ``to_rgb``, ``write_cache`` (see
            :class:`CachedRegionMasks`).
    """
    name = 'felzenszwalb'

    def __init__(self, scale: float = 1000, sigma: float = 0.8, min_size: int = 1000,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.scale = scale
        self.sigma = sigma
        self.min_size = min_size

    def params(self) -> dict:
        return dict(scale=self.scale, sigma=self.sigma, min_size=self.min_size)

    def compute(self, img: np.ndarray) -> np.ndarray:
        return felzenszwalb(img, scale=self.scale, sigma=self.sigma, min_size=self.min_size,
                            channel_axis=-1 if img.ndim == 3 else None)


@TRANSFORMS.register_module()
class SLICMasks(CachedRegionMasks):
    """SLIC superpixels (``skimage.segmentation.slic``), ids ``0..K-1``.

    Required keys: ``img``. Added keys: ``key``; ``key`` is appended to ``seg_fields``.

    Args:
        n_segments (int): Approximate number of superpixels. Defaults to 64.
        compactness (float): Colour versus space trade-off (larger: squarer). Defaults to 10.
        sigma (float): Gaussian smoothing before segmenting. Defaults to 1.0.
        max_num_iter (int): K-means iterations. Defaults to 10.
        **kwargs: ``key``, ``cache_dir``, ``img_root``, ``to_rgb``, ``write_cache`` (see
            :class:`CachedRegionMasks`).
    """
    name = 'slic'

    def __init__(self, n_segments: int = 64, compactness: float = 10., sigma: float = 1.,
                 max_num_iter: int = 10, **kwargs) -> None:
        super().__init__(**kwargs)
        self.n_segments = n_segments
        self.compactness = compactness
        self.sigma = sigma
        self.max_num_iter = max_num_iter

    def params(self) -> dict:
        return dict(n_segments=self.n_segments, compactness=self.compactness, sigma=self.sigma,
                    max_num_iter=self.max_num_iter)

    def compute(self, img: np.ndarray) -> np.ndarray:
        mask = slic(img, n_segments=self.n_segments, compactness=self.compactness,
                    sigma=self.sigma, max_num_iter=self.max_num_iter, start_label=0,
                    channel_axis=-1 if img.ndim == 3 else None)
        return np.unique(mask, return_inverse=True)[1].reshape(mask.shape)  # ids 0..K-1
