"""Password hashing with argon2id, parameters from configuration."""

from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


@cache
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism,
        hash_len=32, salt_len=16, type=Type.ID,
    )


def hasher() -> PasswordHasher:
    config = current_app.config
    return _hasher(
        config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST_KIB"], config["ARGON2_PARALLELISM"]
    )


def hash_password(password: str) -> str:
    return hasher().hash(password)


@cache
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    return _hasher(time_cost, memory_cost, parallelism).hash("not a real password")


def password_matches(stored_hash: str | None, password: str) -> bool:
    """Check a password. With no stored hash (unknown user, unregistered account) a dummy
    hash is checked instead, so the time taken does not reveal which accounts exist."""
    if stored_hash is None:
        config = current_app.config
        stored_hash = _dummy_hash(
            config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST_KIB"],
            config["ARGON2_PARALLELISM"],
        )
        password_ok = False
    else:
        password_ok = True
    try:
        hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    return password_ok


def needs_rehash(stored_hash: str) -> bool:
    return hasher().check_needs_rehash(stored_hash)
