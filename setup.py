"""Install ssl4dp_mm (the OpenMMLab stack is installed by tools/setup_env.sh)."""
from setuptools import find_packages, setup


def read_requirements(path):
    with open(path) as f:
        return [line.strip() for line in f if line.strip() and not line.startswith('#')]


setup(
    name='ssl4dp_mm',
    version='0.1.0',
    description='Self-supervised pre-training for dense prediction, as an OpenMMLab plugin',
    packages=find_packages(exclude=('tests', 'tests.*', 'configs', 'tools', 'benchmarks')),
    python_requires='>=3.8',
    install_requires=read_requirements('requirements/runtime.txt'),
    extras_require={'tests': read_requirements('requirements/tests.txt')},
)
