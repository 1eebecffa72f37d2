"""Index memory as the deep size of what a built searcher keeps alive.

tracemalloc was the first choice (it sees numpy buffers and Python objects alike) but it
slows the bot's pure-Python build four-fold, which at 100k passages costs minutes for one
figure, and it would need a second, untimed build of every index. Walking the fitted
structures instead costs seconds and needs no rebuild. The same walk is used for every
method, so the figures compare; they count live objects, not allocator slack or transient
peaks during the build.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterable
from types import BuiltinFunctionType, CodeType, FunctionType, MethodType, ModuleType

import numpy as np

MB = 1024 * 1024


def reachable_ids(roots: Iterable[object]) -> set[int]:
    """Ids of everything the inputs hold (passages, their strings), to leave out of the sum:
    an index that points at the caller's passages does not own them."""
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, type | ModuleType):
            continue
        seen.add(id(obj))
        stack.extend(gc.get_referents(obj))
    return seen


def deep_size_mb(root: object, exclude: set[int]) -> float:
    """Bytes of every object reachable from ``root``, in MB.

    Not followed: classes, modules, code, and a function's globals and defaults (program,
    not index). Followed: a closure's cells, a bound method's instance, a numpy array's base
    (a view's buffer belongs to the array it views), object arrays' items and the keys of
    dicts, none of which ``gc.get_referents`` reports.
    """
    seen = set(exclude)
    total = 0
    stack: list[object] = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, type | ModuleType | CodeType | BuiltinFunctionType):
            continue
        if isinstance(obj, FunctionType):
            stack.extend(cell.cell_contents for cell in obj.__closure__ or ())
            continue
        if isinstance(obj, MethodType):
            stack.append(obj.__self__)
            continue
        total += sys.getsizeof(obj)
        if isinstance(obj, np.ndarray):
            if obj.base is not None:
                stack.append(obj.base)
            if obj.dtype == object:
                stack.extend(obj.ravel().tolist())
            continue
        if isinstance(obj, dict):
            # CPython does not report the keys of a str-keyed dict to the collector
            # (strings cannot form cycles), and vocabularies are exactly such dicts.
            stack.extend(obj.keys())
        stack.extend(gc.get_referents(obj))
    return total / MB
