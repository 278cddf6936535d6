"""What a video file really is, read with FFmpeg (PyAV), and Meta's video limits applied to it.

A file's name says nothing: a 5 KB file of anything named `.mp4` used to pass every local check
and launch (issue 18). `probe_video` opens the container, finds the video stream and decodes a
frame, and returns the container, codec, duration and dimensions; a file FFmpeg cannot read,
with no video stream or no decodable frame is `NotAVideo`, with the reason. `video_findings`
applies Meta's limits (docs/meta-api-facts.md §6.2) to what was probed: MP4 or MOV (or GIF),
1 s – 241 min, at least 120 × 120 px are problems that block the launch; a codec other than
H.264, under 1080 px, more than 60 s on stories, or a ratio outside the placement's are
warnings. `poster_frame` draws a real frame for the thumbnail Meta requires.

PyAV ships FFmpeg inside its wheels (no system FFmpeg needed); it is imported on first use so
commands that read no video never load it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

MIN_SECONDS = 1.0
MAX_SECONDS = 241 * 60  # feed: 1 s – 241 min
STORY_SECONDS = 60  # stories show up to 60 s per card; longer videos are split into cards
MIN_SIDE = 120  # Meta's absolute minimum (feed)
RECOMMENDED_SIDE = 1080
GOOD_CODECS = {"h264"}
STORY_PLACEMENTS = {"story", "stories", "instagram_stories", "facebook_stories"}


VIDEO_SUFFIXES = {".mp4", ".mov", ".gif", ".m4v"}


def asset_kind(ref: dict[str, Any]) -> str:
    """Return "image" or "video" for an asset ref (explicit kind first, then the suffix)."""
    kind = ref.get("kind") or ref.get("type")
    if kind in ("image", "video"):
        return str(kind)
    source = str(ref.get("path") or ref.get("url") or "")
    return "video" if Path(source).suffix.lower() in VIDEO_SUFFIXES else "image"


class NotAVideo(ValueError):
    """The file is not a video FFmpeg can read; the message says what is wrong with it."""


@dataclass(frozen=True)
class VideoProbe:
    """What FFmpeg read from a video file."""

    container: str  # "mp4", "mov" or "gif" (else FFmpeg's name for the format)
    codec: str  # "h264", "hevc", "mpeg4", …
    duration_s: float | None  # None: the file does not say (a still image, a raw stream)
    width: int
    height: int

    def as_dict(self) -> dict[str, Any]:
        """Return the probe as the plan records it (JSON values)."""
        return asdict(self)


def _container_name(fmt_name: str, metadata: dict[str, str]) -> str:
    """Name the container: FFmpeg reads MP4 and MOV with one demuxer; the brand tells them apart."""
    names = fmt_name.split(",")
    if "mp4" in names or "mov" in names:
        return "mov" if metadata.get("major_brand", "").strip() == "qt" else "mp4"
    return names[0]


def probe_video(path: Path) -> VideoProbe:
    """Open `path` with FFmpeg and decode one frame; raise `NotAVideo` when it cannot."""
    import av

    try:
        container = av.open(str(path), metadata_errors="ignore")
    except av.FFmpegError as exc:
        raise NotAVideo(f"FFmpeg cannot read it ({exc.strerror or exc.__class__.__name__})") from None
    with container:
        if not container.streams.video:
            raise NotAVideo("it has no video stream")
        stream = container.streams.video[0]
        try:
            frame = next(iter(container.decode(stream)), None)
        except av.FFmpegError as exc:
            raise NotAVideo(f"its video cannot be decoded ({exc.strerror or exc.__class__.__name__})") from None
        if frame is None:
            raise NotAVideo("no frame of its video can be decoded")
        duration: float | None = None
        if stream.duration is not None and stream.time_base is not None:
            duration = round(float(stream.duration * stream.time_base), 3)
        elif container.duration is not None:
            duration = round(container.duration / av.time_base, 3)
        return VideoProbe(container=_container_name(container.format.name, dict(container.metadata)),
                          codec=stream.codec_context.name, duration_s=duration,
                          width=frame.width, height=frame.height)


def video_findings(name: str, probe: VideoProbe,
                   placements: set[str]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Apply Meta's video limits to a probe; return (problems, warnings) as (message, fix) pairs."""
    problems: list[tuple[str, str]] = []
    warnings: list[tuple[str, str]] = []
    if probe.container not in ("mp4", "mov", "gif"):
        problems.append((f"{name} is a {probe.container} file, not an MP4 or MOV video",
                         "export it as MP4 (H.264)"))
    if probe.duration_s is None:
        problems.append((f"{name} does not say how long it lasts", "export it again as MP4 (H.264)"))
    elif probe.duration_s < MIN_SECONDS:
        problems.append((f"{name} lasts {probe.duration_s:.2f} s; Meta needs at least 1 s",
                         "use a video of at least 1 second"))
    elif probe.duration_s > MAX_SECONDS:
        minutes, seconds = divmod(round(probe.duration_s), 60)
        problems.append((f"{name} lasts {minutes} min {seconds} s; Meta's limit is 241 min",
                         "trim the video"))
    if min(probe.width, probe.height) < MIN_SIDE:
        problems.append((f"{name} is {probe.width}×{probe.height}, under Meta's 120 × 120 px minimum",
                         "export it at 1080 px or more"))
    elif min(probe.width, probe.height) < RECOMMENDED_SIDE:
        warnings.append((f"{name} is {probe.width}×{probe.height}, below the recommended 1080 px",
                         "export it at 1080 px or more"))
    if probe.codec not in GOOD_CODECS:
        warnings.append((f"{name} is encoded as {probe.codec}; Meta recommends H.264",
                         "export it as MP4 (H.264)"))
    if placements & STORY_PLACEMENTS and (probe.duration_s or 0) > STORY_SECONDS:
        warnings.append((f"{name} lasts {probe.duration_s:.0f} s; stories show 60 s per card and "
                         "split longer videos", "use a cut of 60 s or less for stories"))
    return problems, warnings


def poster_frame(video: Path, target: Path) -> bool:
    """Save the frame one second in (the last frame of a shorter video) as `target` (PNG).

    Returns False when no frame can be decoded; the caller draws a plain card instead.
    """
    import av

    try:
        with av.open(str(video), metadata_errors="ignore") as container:
            stream = container.streams.video[0]
            chosen = None
            for frame in container.decode(stream):
                chosen = frame
                if frame.time is not None and frame.time >= 1.0:
                    break
            if chosen is None:
                return False
            target.parent.mkdir(parents=True, exist_ok=True)
            chosen.to_image().save(target, "PNG")
            return True
    except (av.FFmpegError, IndexError, OSError):
        return False
