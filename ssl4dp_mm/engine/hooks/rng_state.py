"""Random number generator states in checkpoints, so that a resumed run continues bit-exactly.

The states are saved as Python ``bytes``, ints, floats and strings: ``torch.load``'s
``map_location`` moves tensors only, so a checkpoint loaded to any device (mmengine's resume maps
it to ``get_device()``, i.e. ``'cuda'`` on a GPU machine) gives back exactly what was saved, and it
still loads with ``weights_only=True``. Checkpoints that hold the states as tensors (the earlier
format) are read too: each tensor is copied to the CPU first.
"""
import logging
import random
from typing import Any, List, Optional

import numpy as np
import torch
from mmengine.dist import all_gather_object, get_dist_info
from mmengine.hooks import CheckpointHook, Hook
from mmengine.logging import print_log
from mmengine.registry import HOOKS

CKPT_KEY = 'rng_states'
_NUMPY_KEY_DTYPE = np.dtype('<u4')  # MT19937 key words, little-endian in the bytes


def get_rng_states() -> dict:
    """The states of Python's, NumPy's and torch's global generators, in device-free types.

    Returns:
        dict: ``python`` (``random.getstate()``: a tuple of ints), ``numpy`` (dict: ``name``,
        ``keys`` as 624 little-endian uint32 words in ``bytes``, ``pos``, ``has_gauss``,
        ``cached_gaussian``), ``torch`` (``bytes`` of the CPU generator's state) and ``cuda``
        (list of ``bytes``, one per visible GPU; empty without CUDA).
    """
    name, keys, pos, has_gauss, cached = np.random.get_state()
    cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_available() else []
    return dict(
        python=random.getstate(),
        numpy=dict(name=str(name), keys=keys.astype(_NUMPY_KEY_DTYPE).tobytes(), pos=int(pos),
                   has_gauss=int(has_gauss), cached_gaussian=float(cached)),
        torch=bytes(torch.get_rng_state().numpy()),
        cuda=[bytes(state.cpu().numpy()) for state in cuda])


def _cpu_array(value: torch.Tensor, key: str) -> np.ndarray:
    """A state saved as a tensor (the earlier format), copied to the CPU from any device."""
    if value.device.type == 'meta':
        raise ValueError(
            f'{key} is a tensor on the meta device, which holds no data: load this checkpoint '
            f'with a real map_location (e.g. \'cpu\' or \'cuda\'), not \'meta\'')
    return value.detach().cpu().numpy()


def _torch_state(value: Any, key: str) -> bytes:
    """A torch generator state: ``bytes``, or a uint8 tensor on any device."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, torch.Tensor) and value.dtype == torch.uint8:
        return _cpu_array(value, key).tobytes()
    raise ValueError(f'{key} holds a {type(value).__name__}; expected bytes (or a uint8 tensor)')


def _numpy_keys(value: Any, key: str) -> bytes:
    """NumPy's MT19937 key: ``bytes`` of 624 little-endian uint32, or an int64 tensor."""
    if isinstance(value, (bytes, bytearray)):
        keys = bytes(value)
    elif isinstance(value, torch.Tensor):
        keys = _cpu_array(value, key).astype(_NUMPY_KEY_DTYPE).tobytes()
    else:
        raise ValueError(f'{key} holds a {type(value).__name__}; expected bytes (or a tensor)')
    if len(keys) != 624 * _NUMPY_KEY_DTYPE.itemsize:
        raise ValueError(f'{key} holds {len(keys)} bytes; expected 624 uint32 (2496 bytes)')
    return keys


def portable_rng_states(states: dict, key: str = CKPT_KEY) -> dict:
    """One rank's saved states in the format of :func:`get_rng_states`, whatever device (or
    format) the checkpoint gave them in.

    Reads the earlier format too (the torch states as uint8 tensors, NumPy's key as an int64
    tensor), from any device that holds data: the tensors are copied to the CPU.

    Args:
        states (dict): One rank's states, as loaded from a checkpoint.
        key (str): Where ``states`` came from, named in errors. Defaults to ``CKPT_KEY``
            (``'rng_states'``).

    Returns:
        dict: The same states with every generator state as ``bytes``.

    Raises:
        ValueError: If an entry is missing, of an unknown type, or a tensor without data (loaded
            with ``map_location='meta'``); the message names its key.
    """
    if not isinstance(states, dict):
        raise ValueError(f'{key} holds a {type(states).__name__}; expected a dict')
    missing = [name for name in ('python', 'numpy', 'torch', 'cuda') if name not in states]
    if missing:
        raise ValueError(f'{key} lacks {missing}; expected what get_rng_states() returns')
    np_state = states['numpy']
    return dict(
        python=states['python'],
        numpy=dict(np_state, keys=_numpy_keys(np_state['keys'], f"{key}['numpy']['keys']")),
        torch=_torch_state(states['torch'], f"{key}['torch']"),
        cuda=[_torch_state(s, f"{key}['cuda'][{i}]") for i, s in enumerate(states['cuda'])])


def _uint8_tensor(state: bytes) -> torch.Tensor:
    return torch.frombuffer(bytearray(state), dtype=torch.uint8)  # (S,), owns a copy


def set_rng_states(states: dict, key: str = CKPT_KEY) -> None:
    """Restore what :func:`get_rng_states` returned, from wherever a checkpoint put it.

    Args:
        states (dict): One rank's states, in either format :func:`portable_rng_states` reads.
        key (str): Where ``states`` came from, named in errors. Defaults to ``CKPT_KEY``
            (``'rng_states'``).

    Raises:
        ValueError: As :func:`portable_rng_states`; no generator is changed then.
    """
    states = portable_rng_states(states, key)  # every check before any generator is touched
    np_state = states['numpy']
    random.setstate(states['python'])
    np.random.set_state((np_state['name'],
                         np.frombuffer(np_state['keys'], _NUMPY_KEY_DTYPE).astype(np.uint32),
                         int(np_state['pos']), int(np_state['has_gauss']),
                         float(np_state['cached_gaussian'])))
    torch.set_rng_state(_uint8_tensor(states['torch']))
    if states['cuda'] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all([_uint8_tensor(s) for s in states['cuda']])


class _RestoreBeforeFetch:
    """Wraps the loop's data iterator: restores the RNG states right before fetch ``skip + 1``.

    On resume, mmengine's ``IterBasedTrainLoop`` replays ``skip`` batches to put the sampler where
    it was (running the data pipeline, which draws random numbers); the first real batch must be
    drawn from the states saved with the checkpoint, so they are restored after the replay.
    """

    def __init__(self, iterator, skip: int, states: dict, loop) -> None:
        self._iterator, self._skip, self._states, self._loop = iterator, skip, states, loop
        self._fetched = 0

    def __iter__(self):
        return self

    def __next__(self):
        if self._fetched == self._skip:
            set_rng_states(self._states)
            self._loop.dataloader_iterator = self._iterator  # done: unwrap
        self._fetched += 1
        return next(self._iterator)


@HOOKS.register_module()
class RNGStateHook(Hook):
    """Save every rank's generator states with each checkpoint and restore them on ``--resume``.

    mmengine's resume restores the model (with its buffers: momentum encoder, negatives queue),
    the optimizer, the schedulers and the message hub, and replays the data sampler, but it
    re-seeds the random generators instead of restoring them. Every later random draw (crops,
    colour jitter, batch shuffle, the cells picked for the queue) then differs from the run that
    was not interrupted. With this hook the resumed run draws exactly the same numbers.

    Rank 0 writes the checkpoint; the other ranks' states reach it through one
    ``all_gather_object`` at the iterations (or epochs) where the ``CheckpointHook`` saves. On
    resume each rank restores its own states (if the world size is unchanged, else it warns and
    keeps the fresh seed). A checkpoint without states (written without this hook) resumes as
    mmengine would, with a warning. Loading weights with ``load_from`` (not resuming) restores
    nothing.

    Validation runs between a checkpoint and the next training iteration, and creating its data
    iterator draws from torch's generator; a resumed run does not repeat that validation. The hook
    therefore makes validation neutral: the states are saved in ``before_val`` and put back in
    ``after_val`` (so training draws the same numbers whatever the validation interval).

    The states are saved as bytes and numbers, which ``map_location`` leaves alone: mmengine's
    resume loads the checkpoint to ``get_device()`` (``'cuda'`` on a GPU machine) and the states
    still restore exactly. Checkpoints holding them as tensors (the earlier format) are read
    from any device too (:func:`portable_rng_states`).

    The states are restored right before the first batch after the resume point is fetched, so
    hooks of higher priority that draw random numbers in ``before_train`` are overridden; nothing
    of ours does.
    """
    priority = 'LOW'  # before CheckpointHook (VERY_LOW) in the same stage

    def __init__(self) -> None:
        self._gathered: Optional[List[dict]] = None
        self._loaded: Optional[dict] = None
        self._ckpt_hook: Optional[CheckpointHook] = None
        self._before_val: Optional[dict] = None

    # ---- saving -------------------------------------------------------------------------
    def before_train(self, runner) -> None:
        hooks = [h for h in runner.hooks if isinstance(h, CheckpointHook)]
        self._ckpt_hook = hooks[0] if hooks else None
        self._arm_restore(runner)

    def _gather(self) -> None:
        _, world_size = get_dist_info()
        states = get_rng_states()
        self._gathered = all_gather_object(states) if world_size > 1 else [states]

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        hook = self._ckpt_hook  # the CheckpointHook's own condition (it runs right after this)
        if hook is None or hook.by_epoch:
            return
        if (self.every_n_train_iters(runner, hook.interval, getattr(hook, 'save_begin', 0))
                or (hook.save_last and self.is_last_train_iter(runner))):
            self._gather()

    def after_train_epoch(self, runner) -> None:
        hook = self._ckpt_hook
        if hook is None or not hook.by_epoch:
            return
        if (self.every_n_epochs(runner, hook.interval, getattr(hook, 'save_begin', 0))
                or (hook.save_last and self.is_last_train_epoch(runner))):
            self._gather()

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        states = self._gathered
        if states is None:  # off the schedule (save_best, inside validation): this rank only
            states = [self._before_val if self._before_val is not None else get_rng_states()]
        checkpoint[CKPT_KEY] = states
        self._gathered = None

    # ---- validation does not move the generators --------------------------------------
    def before_val(self, runner) -> None:
        self._before_val = get_rng_states()

    def after_val(self, runner) -> None:
        if self._before_val is not None:
            set_rng_states(self._before_val)
            self._before_val = None

    # ---- restoring ----------------------------------------------------------------------
    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        self._loaded = dict(states=checkpoint.get(CKPT_KEY))  # used if this is a resume

    def _arm_restore(self, runner) -> None:
        loaded, self._loaded = self._loaded, None
        if loaded is None or (runner.iter == 0 and runner.epoch == 0):
            return  # nothing loaded, or weights only (load_from without resume)
        rank, world_size = get_dist_info()
        states = loaded['states']
        if states is None:
            print_log('RNGStateHook: the checkpoint holds no generator states (written without '
                      'this hook); the resumed run draws different random numbers',
                      logger='current', level=logging.WARNING)
            return
        if len(states) != world_size:
            print_log(f'RNGStateHook: the checkpoint holds the states of {len(states)} ranks but '
                      f'this run has {world_size}; generator states are not restored',
                      logger='current', level=logging.WARNING)
            return
        # checked and moved off the load device now, before the first iteration
        mine = portable_rng_states(states[rank], f'{CKPT_KEY}[{rank}]')
        loop = runner.train_loop
        if hasattr(loop, 'dataloader_iterator'):  # IterBasedTrainLoop: replays runner.iter batches
            loop.dataloader_iterator = _RestoreBeforeFetch(loop.dataloader_iterator, runner.iter,
                                                           mine, loop)
        else:  # EpochBasedTrainLoop: resumes at an epoch boundary, nothing is replayed
            set_rng_states(mine)
