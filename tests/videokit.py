"""Real little videos for tests, encoded with PyAV (FFmpeg ships in its wheels): no binaries committed."""

from __future__ import annotations

import random
from pathlib import Path

import av
import numpy as np


def clip(path: Path, seconds: float = 2.0, size: tuple[int, int] = (320, 240), fps: int = 25,
         codec: str = "libx264") -> Path:
    """Encode `seconds` of a colour ramp (red grows frame by frame) at `size` into `path`."""
    width, height = size
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        frames = max(1, round(seconds * fps))
        for i in range(frames):
            pixels = np.zeros((height, width, 3), np.uint8)
            pixels[:, :, 0] = int(255 * i / frames)
            pixels[:, :, 2] = 160
            for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def junk(path: Path, size: int = 5 * 1024) -> Path:
    """Write `size` random bytes under a video's name (what a broken export or a wrong file is).

    Seeded: now and then fresh random bytes hold a frame FFmpeg reads as audio ("it has no
    video stream" instead of "FFmpeg cannot read it"), which made a test flaky.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(random.Random(f"junk:{size}").randbytes(size))
    return path
