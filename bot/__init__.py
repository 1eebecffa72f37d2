"""fmstudy: cited answers from the study group's reading."""

__version__ = "0.1.0"
