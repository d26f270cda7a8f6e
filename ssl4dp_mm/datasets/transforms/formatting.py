"""Pack views, their coordinates and masks for the dense algorithms."""
from typing import Sequence

import numpy as np
import torch
from mmselfsup.datasets.transforms import PackSelfSupInputs
from mmselfsup.registry import TRANSFORMS


@TRANSFORMS.register_module()
class PackDenseSSLInputs(PackSelfSupInputs):
    """Pack ``img`` (one tensor per view) and set dense fields on the data sample.

    Each key in ``field_keys`` becomes a tensor field of the ``SelfSupDataSample`` of the same name,
    stacked over views where it is a per-view list (``coord_box``: Vx4; a mask: VxHxW, int64).

    Args:
        field_keys (Sequence[str]): Keys to set as tensor fields. Defaults to ('coord_box',).
        meta_keys (Sequence[str]): Keys to set as metainfo. Defaults to ('img_path',).
        algorithm_keys (Sequence[str]): Passed to ``PackSelfSupInputs`` (``sample_idx``,
            ``gt_label``, ...). Defaults to ().
    """

    def __init__(self,
                 field_keys: Sequence[str] = ('coord_box', ),
                 meta_keys: Sequence[str] = ('img_path', ),
                 algorithm_keys: Sequence[str] = ()) -> None:
        super().__init__(algorithm_keys=list(algorithm_keys), meta_keys=list(meta_keys))
        self.field_keys = tuple(field_keys)

    def transform(self, results: dict) -> dict:
        packed = super().transform(results)
        data_sample = packed['data_samples']
        for key in self.field_keys:
            if key not in results:
                raise KeyError(f'PackDenseSSLInputs: {key!r} is not in the results; the pipeline '
                               f'has {sorted(results)}')
            value = results[key]
            if isinstance(value, (list, tuple)):
                value = np.stack(value)
            tensor = torch.from_numpy(np.ascontiguousarray(value))
            if tensor.dtype not in (torch.float32, torch.float64):
                tensor = tensor.long()
            data_sample.set_field(tensor, key)
        return packed

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(field_keys={self.field_keys}, '
                f'meta_keys={self.meta_keys})')
