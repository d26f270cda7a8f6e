"""An unlabeled dataset that reads every image under a folder (for pre-training)."""
import os
import os.path as osp
from typing import List, Sequence

from mmengine.dataset import BaseDataset
from mmselfsup.registry import DATASETS

IMG_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.pgm', '.tif', '.tiff', '.webp')


@DATASETS.register_module()
class ImageFolder(BaseDataset):
    """Every image below ``data_root/data_prefix['img_path']``, recursively, sorted by path.

    Labels, if any lie beside the images, are ignored: this is the dataset for pre-training. Unlike
    mmcls's ``CustomDataset`` it needs no class sub-folders. An optional ``ann_file`` lists image
    paths (relative to the image folder), one per line, to use a subset.

    Args:
        data_root (str): Root folder. Defaults to ''.
        data_prefix (dict): ``dict(img_path=...)``, the image folder under ``data_root``.
            Defaults to ``dict(img_path='')``.
        ann_file (str): Optional list of images to use. Defaults to ''.
        ann_suffix (str): Appended to every ``ann_file`` line. Defaults to ''.
        extensions (Sequence[str]): Accepted file suffixes (lower case). Defaults to
            ``IMG_EXTENSIONS``.
        **kwargs: Passed to :class:`mmengine.dataset.BaseDataset` (``pipeline``, ``test_mode``...).
    """

    def __init__(self,
                 data_root: str = '',
                 data_prefix: dict = dict(img_path=''),
                 ann_file: str = '',
                 ann_suffix: str = '',
                 extensions: Sequence[str] = IMG_EXTENSIONS,
                 **kwargs) -> None:
        self.extensions = tuple(e.lower() for e in extensions)
        self.ann_suffix = ann_suffix
        super().__init__(data_root=data_root, data_prefix=data_prefix, ann_file=ann_file, **kwargs)

    def load_data_list(self) -> List[dict]:
        folder = self.data_prefix.get('img_path', '') or self.data_root
        if not osp.isdir(folder):
            raise FileNotFoundError(f'ImageFolder: image folder {folder!r} does not exist')
        if self.ann_file:
            if not osp.isfile(self.ann_file):
                raise FileNotFoundError(f'ImageFolder: ann_file {self.ann_file!r} does not exist')
            with open(self.ann_file) as f:
                names = [line.strip() + self.ann_suffix for line in f if line.strip()]
            missing = [osp.join(folder, n) for n in names if not osp.isfile(osp.join(folder, n))]
            if missing:
                raise FileNotFoundError(
                    f'ImageFolder: {len(missing)} images listed in {self.ann_file!r} do not '
                    f'exist, e.g. {missing[:3]}')
        else:
            names = sorted(
                osp.relpath(osp.join(d, name), folder)
                for d, _, files in os.walk(folder, followlinks=True) for name in files
                if name.lower().endswith(self.extensions))
        if not names:
            raise FileNotFoundError(
                f'ImageFolder: no images ({", ".join(self.extensions)}) found under {folder!r}')
        return [dict(img_path=osp.join(folder, name)) for name in names]
