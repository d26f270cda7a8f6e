"""Write what each rank holds (buffers, parameter hashes, chosen batches) for checking DDP runs.

Test scaffolding: a config reaches the hook with ``custom_imports = dict(imports=['ssl4dp_mm',
'tests._helpers.rank_dump'])`` and the repository root on ``PYTHONPATH``.
"""
import hashlib
import os.path as osp
from typing import Dict, Optional, Sequence

import torch
from mmengine.dist import get_dist_info
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.registry import HOOKS

from ssl4dp_mm.checkpoints import save_checkpoint_atomic


def tensor_digest(tensor: torch.Tensor) -> str:
    """SHA-1 of a tensor's dtype, shape and bytes: equal digests mean bit-identical tensors."""
    tensor = tensor.detach().cpu().contiguous()
    digest = hashlib.sha1(f'{tensor.dtype}{tuple(tensor.shape)}'.encode())
    digest.update(tensor.view(-1).view(torch.uint8).numpy().tobytes() if tensor.numel() else b'')
    return digest.hexdigest()


@HOOKS.register_module()
class RankStateDumpHook(Hook):
    """Dump every rank's view of the model so that a test (or a person) can compare ranks.

    Each rank writes ``work_dir/<out_dir>/<tag>_rank<r>.pth`` (atomically) with

    - ``rank``, ``world_size``, ``iter`` (iterations done when it was written);
    - ``digests``: a SHA-1 per entry of the model's state dict (:func:`tensor_digest`), so that
      bit-identical parameters and buffers on two ranks show as equal strings;
    - ``buffers``: the state-dict entries whose names start with one of ``buffer_prefixes``;
    - for the iterations in ``iters`` (tag ``iter<i>``, after iteration ``i``, 0-based): also
      ``inputs`` (the batch's view tensors), ``coord_box`` and ``img_path`` of its samples, and
      ``outputs`` (this rank's logged values, e.g. ``loss``, before any averaging over ranks).

    Tags ``init`` (before the first iteration, after weight initialisation or loading) and
    ``final`` (after training) hold the first three entries only.

    Args:
        buffer_prefixes (Sequence[str]): State-dict names to dump in full. Defaults to
            ``('queue.',)`` (the negatives queue of the MoCo-type methods).
        iters (Sequence[int]): Iterations after which the batch and outputs are dumped too.
            Defaults to ``(0,)``.
        out_dir (str): Folder under the work dir. Defaults to 'rank_dumps'.
    """
    priority = 'LOWEST'

    def __init__(self,
                 buffer_prefixes: Sequence[str] = ('queue.', ),
                 iters: Sequence[int] = (0, ),
                 out_dir: str = 'rank_dumps') -> None:
        self.buffer_prefixes = tuple(buffer_prefixes)
        self.iters = set(int(i) for i in iters)
        self.out_dir = out_dir

    def _state(self, runner) -> Dict[str, torch.Tensor]:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        return model.state_dict()

    def _dump(self, runner, tag: str, extra: Optional[dict] = None) -> None:
        rank, world_size = get_dist_info()
        state = self._state(runner)
        record = dict(
            rank=rank,
            world_size=world_size,
            iter=runner.iter,
            digests={k: tensor_digest(v) for k, v in state.items()},
            buffers={
                k: v.detach().cpu().clone()
                for k, v in state.items() if k.startswith(self.buffer_prefixes)
            })
        record.update(extra or {})
        path = osp.join(runner.work_dir, self.out_dir, f'{tag}_rank{rank}.pth')
        save_checkpoint_atomic(record, path)

    def before_train(self, runner) -> None:
        self._dump(runner, 'init')

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if batch_idx not in self.iters:
            return
        extra = dict(outputs={k: float(v) for k, v in (outputs or {}).items()})
        if isinstance(data_batch, dict):
            inputs = data_batch.get('inputs')
            extra['inputs'] = [x.detach().cpu().clone() for x in inputs] if isinstance(
                inputs, (list, tuple)) else inputs
            samples = data_batch.get('data_samples') or []
            if samples and 'coord_box' in samples[0]:
                extra['coord_box'] = torch.stack([s.coord_box.cpu() for s in samples])
            extra['img_path'] = [s.metainfo.get('img_path', '') for s in samples]
        self._dump(runner, f'iter{batch_idx}', extra)

    def after_train(self, runner) -> None:
        self._dump(runner, 'final')
