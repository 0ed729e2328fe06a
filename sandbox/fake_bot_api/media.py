"""Media kinds and a little sniffing of uploaded bytes (image sizes, MIME types)."""

from __future__ import annotations

import mimetypes
import struct
from enum import StrEnum


class MediaKind(StrEnum):
    """The kinds of file a message can carry; the value is the Message field name."""

    PHOTO = "photo"
    DOCUMENT = "document"
    VOICE = "voice"
    STICKER = "sticker"
    VIDEO = "video"
    AUDIO = "audio"
    ANIMATION = "animation"


# Telegram keeps files in folders named by kind; getFile returns paths like "photos/file_3.jpg".
FOLDERS = {
    MediaKind.PHOTO: "photos",
    MediaKind.DOCUMENT: "documents",
    MediaKind.VOICE: "voice",
    MediaKind.STICKER: "stickers",
    MediaKind.VIDEO: "videos",
    MediaKind.AUDIO: "music",
    MediaKind.ANIMATION: "animations",
}
DEFAULT_EXTENSIONS = {
    MediaKind.PHOTO: ".jpg",
    MediaKind.DOCUMENT: "",
    MediaKind.VOICE: ".oga",
    MediaKind.STICKER: ".webp",
    MediaKind.VIDEO: ".mp4",
    MediaKind.AUDIO: ".mp3",
    MediaKind.ANIMATION: ".mp4",
}
DEFAULT_MIME_TYPES = {
    MediaKind.VOICE: "audio/ogg",
    MediaKind.VIDEO: "video/mp4",
    MediaKind.AUDIO: "audio/mpeg",
    MediaKind.ANIMATION: "video/mp4",
}
# Prefixes shaped like real file_ids, so logs in tests look like production logs.
FILE_ID_PREFIXES = {
    MediaKind.PHOTO: "AgACAgIAAxkBAAI",
    MediaKind.DOCUMENT: "BQACAgIAAxkBAAI",
    MediaKind.VOICE: "AwACAgIAAxkBAAI",
    MediaKind.STICKER: "CAACAgIAAxkBAAI",
    MediaKind.VIDEO: "BAACAgIAAxkBAAI",
    MediaKind.AUDIO: "CQACAgIAAxkBAAI",
    MediaKind.ANIMATION: "CgACAgIAAxkBAAI",
}

# Not real pixels: the size reported for bytes that are not a recognisable image.
FALLBACK_IMAGE_SIZE = (512, 512)
THUMBNAIL_SIDE = 320


def image_size(data: bytes) -> tuple[int, int] | None:
    """Return (width, height) of a PNG, GIF, JPEG or WebP image, or None if unrecognised."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return _webp_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            index += 1
            continue
        marker = data[index + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            index += 2
            continue
        (segment_length,) = struct.unpack(">H", data[index + 2 : index + 4])
        # SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return int(width), int(height)
        index += 2 + segment_length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 " and len(data) >= 30:
        width, height = struct.unpack("<HH", data[26:30])
        return int(width) & 0x3FFF, int(height) & 0x3FFF
    return None


def guess_mime_type(file_name: str | None, kind: MediaKind) -> str | None:
    """Guess the MIME type Telegram would report for an upload."""
    if file_name:
        guessed, _ = mimetypes.guess_type(file_name)
        if guessed:
            return guessed
    return DEFAULT_MIME_TYPES.get(kind)


def extension_for(file_name: str | None, kind: MediaKind) -> str:
    """Pick the extension of the stored file path from the upload's name or its kind."""
    if file_name and "." in file_name:
        return "." + file_name.rsplit(".", 1)[1].lower()
    return DEFAULT_EXTENSIONS[kind]
