"""Rules over one short text (a ULN, a reference) whose answers are worth keeping: a batch
file names the same few qualifications thousands of times, and each row's ULN and
reference are checked by the file's field rules and again by the service."""

from collections.abc import Callable
from functools import lru_cache, wraps


def remembered(longest: int, maxsize: int) -> Callable:
    """An answer cache (lru_cache) for a rule whose first argument is a text, keeping only
    texts up to `longest` characters: a longer one cannot be valid and is answered afresh,
    so a hostile file's long cells are never held."""
    def decorate(rule: Callable) -> Callable:
        cached = lru_cache(maxsize=maxsize)(rule)

        @wraps(rule)
        def answer(text, *args, **kwargs):
            if text is not None and len(text) <= longest:
                return cached(text, *args, **kwargs)
            return rule(text, *args, **kwargs)

        answer.cache_info, answer.cache_clear = cached.cache_info, cached.cache_clear
        return answer
    return decorate
