"""The package version, in one place: ``pyproject.toml`` reads it (``[tool.setuptools.dynamic]``) and every module
that records it imports it from here (never from the package root, which would tie every layer to ``Corpus``)."""

__version__ = "0.1.0"
