"""Files encrypted at rest, written and read as streams: the file is a run of Fernet
tokens (AES-128-CBC + HMAC-SHA256), each sealing up to 256 KiB and preceded by its length
in 4 bytes. A file of any size is sealed and opened a chunk at a time, and any tampered
chunk is refused (InvalidToken). Inside each token the chunk carries its number and whether
it is the last, so chunks dropped, repeated, reordered or cut off the end are refused too
(SealBroken).

cryptography is imported when a file is first sealed or opened: its OpenSSL binding is
about 7 MiB a process, and most web workers never touch a batch file (issue 14)."""

import io
import struct
from collections.abc import Iterator
from pathlib import Path

CHUNK = 256 * 1024
_LENGTH = struct.Struct(">I")
_PLACE = struct.Struct(">Q?")  # the chunk's number from 0, and whether it is the last


class SealBroken(Exception):
    """Every chunk is genuine, but they are not the file that was sealed. (A chunk that
    is not genuine raises cryptography's InvalidToken.) Not a ValueError: a reader that
    takes a ValueError for the submitter's bad input must not take a damaged store for
    one."""


def _fernet(key: bytes):
    from cryptography.fernet import Fernet

    return Fernet(key)


class SealedWriter(io.RawIOBase):
    """A binary file object: what is written is sealed in chunks into `path`."""

    def __init__(self, path: Path, key: bytes):
        self._fernet, self._buffer, self._number = _fernet(key), bytearray(), 0
        self._file = open(path, "wb")  # noqa: SIM115  (closed in close())

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._buffer += data
        while len(self._buffer) >= CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]))
            del self._buffer[:CHUNK]
        return len(data)

    def _seal(self, plain: bytes, last: bool = False) -> None:
        token = self._fernet.encrypt(_PLACE.pack(self._number, last) + plain)
        self._file.write(_LENGTH.pack(len(token)) + token)
        self._number += 1

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buffer), last=True)  # always one last chunk, maybe empty
            self._buffer.clear()
            self._file.close()
        super().close()


def _chunks(path: Path, key: bytes) -> Iterator[bytes]:
    fernet, expected, ended = _fernet(key), 0, False
    with open(path, "rb") as sealed:
        while header := sealed.read(_LENGTH.size):
            (length,) = _LENGTH.unpack(header)
            plain = fernet.decrypt(sealed.read(length))
            if len(plain) < _PLACE.size:  # sealed before chunks were numbered, or forged
                raise SealBroken()
            number, last = _PLACE.unpack_from(plain)
            if ended or number != expected:
                raise SealBroken()
            expected, ended = expected + 1, last
            yield plain[_PLACE.size:]
    if not ended:
        raise SealBroken()  # cut short


class SealedReader(io.RawIOBase):
    """A binary file object reading the plain content of a sealed file."""

    def __init__(self, path: Path, key: bytes):
        self._chunks, self._pending = _chunks(path, key), b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            self._pending = next(self._chunks, None)
            if self._pending is None:
                self._pending = b""
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size], self._pending = self._pending[:size], self._pending[size:]
        return size


def open_sealed(path: Path, key: bytes) -> io.BufferedReader:
    return io.BufferedReader(SealedReader(path, key), buffer_size=64 * 1024)


def sealed_writer(path: Path, key: bytes) -> io.BufferedWriter:
    return io.BufferedWriter(SealedWriter(path, key), buffer_size=64 * 1024)


def plain_chunks(path: Path, key: bytes) -> Iterator[bytes]:
    """The plain content a chunk at a time (a download)."""
    yield from _chunks(path, key)


def new_key() -> bytes:
    from cryptography.fernet import Fernet

    return Fernet.generate_key()
