"""ssl4dp_mm: self-supervised pre-training for dense prediction, as an OpenMMLab plugin.

Importing the package applies the stack's compatibility shims (:mod:`ssl4dp_mm.compat`) and
registers every dataset, transform, model and hook into MMSelfSup's and MMSegmentation's registries.
Configs reach it with ``custom_imports = dict(imports=['ssl4dp_mm'], allow_failed_imports=False)``.
"""
from . import compat

compat.apply()

from . import datasets, engine, models  # noqa: E402,F401  (registers everything)

__version__ = '0.1.0'
