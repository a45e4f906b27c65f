#!/usr/bin/env python3
"""Read frames from a vj-host shared-memory output (format version 1, see docs/shm-format.md).

Use it from TouchDesigner (Script TOP), OpenCV or any Python: it maps the file, finds the newest
complete frame and copies it out, never returning a torn frame. numpy is optional: with it,
`read_latest()` returns an (height, width, 4) uint8 RGBA array; without it, bytes.

    reader = VjShmReader('/dev/shm/vj-host')
    frame = reader.read_latest()          # None until the host has published a frame
    if frame: print(frame.index, frame.width, frame.height)

Run it directly to watch a stream:  python3 shm_reader.py /dev/shm/vj-host
"""
import mmap
import os
import struct
import sys
import time
from collections import namedtuple

MAGIC = b"VJSHMv1\0"
HEADER_BYTES = 4096
SLOT_TABLE = 128
SLOT_RECORD = 32
STATE_LIVE, STATE_CLOSED = 1, 2
# magic, version, header_bytes, width, height, stride, pixel_format, slot_count, slot_bytes,
# state, fps_num, fps_den, writer_pid, frames_written, last_write_unix_us
HEADER = struct.Struct("<8s12IQQ")

try:
    import numpy as np
except ImportError:  # numpy is optional
    np = None

Frame = namedtuple("Frame", "index time_us width height pixels")
Header = namedtuple("Header", "version width height stride slot_count slot_bytes state fps pid frames_written")


class VjShmReader:
    def __init__(self, path="/dev/shm/vj-host"):
        self.path = path
        self._fd = os.open(path, os.O_RDONLY)
        self._map = None
        self._size = 0

    def _mapped(self):
        size = os.fstat(self._fd).st_size
        if self._map is None or size != self._size:
            if self._map is not None:
                self._map.close()
            self._map = mmap.mmap(self._fd, size, access=mmap.ACCESS_READ)
            self._size = size
        return self._map

    def header(self):
        m = self._mapped()
        if self._size < HEADER_BYTES:
            return None
        f = HEADER.unpack_from(m, 0)
        if f[0] != MAGIC:
            return None
        (_, version, _, width, height, stride, _, slots, slot_bytes, state, fps_num, fps_den, pid, written, _) = f
        return Header(version, width, height, stride, slots, slot_bytes, state, fps_num / max(1, fps_den), pid, written)

    def read_latest(self, attempts=8):
        """The newest complete frame, or None (nothing published yet, writer closed, or it kept overtaking us)."""
        for _ in range(attempts):
            h = self.header()
            if h is None or h.state != STATE_LIVE or h.frames_written == 0:
                return None
            m = self._mapped()
            if self._size < HEADER_BYTES + h.slot_count * h.slot_bytes:
                continue  # the writer is resizing
            slot = (h.frames_written - 1) % h.slot_count
            record = SLOT_TABLE + slot * SLOT_RECORD
            seq_before, index, time_us = struct.unpack_from("<QQQ", m, record)
            if seq_before % 2:
                continue  # being written
            start = HEADER_BYTES + slot * h.slot_bytes
            pixels = m[start:start + h.stride * h.height]
            (seq_after,) = struct.unpack_from("<Q", m, record)
            if seq_after != seq_before:
                continue  # overwritten while we copied: try the newer one
            if np is not None:
                pixels = np.frombuffer(pixels, dtype=np.uint8).reshape(h.height, h.stride // 4, 4)[:, : h.width]
            return Frame(index, time_us, h.width, h.height, pixels)
        return None

    def close(self):
        if self._map is not None:
            self._map.close()
        os.close(self._fd)


if __name__ == "__main__":
    reader = VjShmReader(sys.argv[1] if len(sys.argv) > 1 else "/dev/shm/vj-host")
    last = None
    while True:
        frame = reader.read_latest()
        if frame and frame.index != last:
            last = frame.index
            print(f"frame {frame.index} {frame.width}x{frame.height} t={frame.time_us / 1e6:.3f}s", flush=True)
        time.sleep(0.005)
