"""een-tui: a terminal tool for Eagle Eye Networks (EEN) cloud cameras."""

__version__ = "0.1.0"
