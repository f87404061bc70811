"""Record ids: random (version 4) UUIDs from the operating system's CSPRNG.

Why buffered: ``uuid4()`` makes one ``os.urandom`` system call per id, measured ~12 % of a
submission under load. Reading 4 KiB at a time and slicing keeps the ids unpredictable (the
bytes are the kernel CSPRNG's) at one call per 256 ids. The buffer is dropped in a forked
child, so worker processes forked after import never hand out the same ids.
"""

from __future__ import annotations

import os
import threading
import uuid

_CHUNK = 4096  # bytes: 256 ids per system call
_lock = threading.Lock()
_buffer = b""
_offset = 0


def _forget() -> None:
    global _buffer, _offset
    _buffer, _offset = b"", 0


os.register_at_fork(after_in_child=_forget)


def new_id() -> str:
    """A random UUID (version 4, 122 random bits from the OS CSPRNG) for a new record."""
    global _buffer, _offset
    with _lock:
        if _offset + 16 > len(_buffer):
            _buffer, _offset = os.urandom(_CHUNK), 0
        raw = _buffer[_offset : _offset + 16]
        _offset += 16
    return str(uuid.UUID(bytes=raw, version=4))
