from . import algorithms, necks, segmentors  # noqa: F401
