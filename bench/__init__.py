"""fmstudy's benchmark: `python -m bench` (see bench/__main__.py). Never part of the tests."""
