"""Fault injection for the hardening tests (imported by test configs through custom_imports)."""
import os
import signal

from mmengine.hooks import Hook
from mmengine.registry import HOOKS


@HOOKS.register_module(force=True)
class KillAtIterHook(Hook):
    """SIGKILL this process when iteration ``at_iter`` (0-based) is about to run: a hard kill,
    no cleanup, as when a job is pre-empted or the machine goes down."""
    priority = 'HIGHEST'

    def __init__(self, at_iter: int) -> None:
        self.at_iter = at_iter

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        if runner.iter == self.at_iter:
            os.kill(os.getpid(), signal.SIGKILL)
