"""One BLAS thread in the worker: the ranking's least squares (LSMR) spends its time in short vector
operations, where OpenBLAS threads waiting for a busy core made it ten times slower in our bench.

OpenBLAS reads OPENBLAS_NUM_THREADS only when it is loaded, which in the worker happens on import,
before the worker's own code runs; so the bundled libraries (numpy's and scipy's) are told directly,
through their `*_set_num_threads` entry points.
"""

import ctypes
import os
from typing import Any

_SETTERS = (
    "scipy_openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads",
    "openblas_set_num_threads64_",
    "openblas_set_num_threads",
)
_GETTERS = tuple(name.replace("set_num", "get_num") for name in _SETTERS)


def loaded_openblas() -> list[str]:
    """Paths of the OpenBLAS libraries mapped into this process."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower() and "/" in line}
    except OSError:
        return []
    return sorted(p for p in paths if os.path.exists(p))


def _entry(library: ctypes.CDLL, names: tuple[str, ...]) -> Any:
    for name in names:
        function = getattr(library, name, None)
        if function is not None:
            return function
    return None


def limit_blas_threads(count: int = 1) -> dict[str, int]:
    """Set every loaded OpenBLAS to `count` threads; returns each library's thread count after."""
    os.environ["OPENBLAS_NUM_THREADS"] = str(count)  # for child processes, which load their own
    found: dict[str, int] = {}
    for path in loaded_openblas():
        library = ctypes.CDLL(path)
        setter, getter = _entry(library, _SETTERS), _entry(library, _GETTERS)
        if setter is None or getter is None:
            continue
        setter(ctypes.c_int(count))
        found[os.path.basename(path)] = int(getter())
    return found
