"""The hardening tests build Runners and datasets under MMSeg's and MMSelfSup's scopes; each test
leaves mmengine's current default scope as it found it, so later tests see no difference."""
import pytest
from mmengine.registry import DefaultScope


@pytest.fixture(autouse=True)
def restore_default_scope():
    before = set(DefaultScope._instance_dict)
    yield
    for name in [n for n in DefaultScope._instance_dict if n not in before]:
        del DefaultScope._instance_dict[name]
