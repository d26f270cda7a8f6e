# Every config inherits this (directly or through a runtime file): it imports ssl4dp_mm, which
# applies the stack's shims and registers the plugin's modules.
custom_imports = dict(imports=['ssl4dp_mm'], allow_failed_imports=False)
