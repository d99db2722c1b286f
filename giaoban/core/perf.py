"""Small helpers for the hot read paths."""

import gc
from contextlib import contextmanager


@contextmanager
def gc_paused():
    """Hold the cyclic garbage collector off for a block that allocates many small objects.

    Decoding hundreds of JSON rows creates tens of thousands of lists and dicts; each
    burst of allocations sets off generation-0 and -1 collections, and now and then a
    full one over everything the process holds (the cached unit trees). None of these
    objects form cycles, so reference counting frees them anyway. Nested use is safe;
    collection resumes as before when the outermost block ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
