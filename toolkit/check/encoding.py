"""Text as pip reads it: a byte-order mark names the encoding, UTF-8 otherwise.

pip decodes requirements files by their byte-order mark (UTF-8, UTF-16 and
UTF-32, either byte order); Windows editors write UTF-16 with a mark. mlrig
reads every file the same way, and ``--fix`` writes a file back in the
encoding it was read in.
"""

from __future__ import annotations

import codecs

from toolkit.check.findings import ParseError

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def sniff(data: bytes) -> tuple[bytes, str]:
    """The byte-order mark ``data`` starts with (``b""`` for none) and its encoding."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return bom, encoding
    return b"", "utf-8"


def decode_text(data: bytes) -> str:
    """``data`` as text without its byte-order mark; :class:`ParseError` naming the line."""
    bom, encoding = sniff(data)
    body = data[len(bom) :]
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as err:
        before = body[: err.start].decode(encoding, "replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        what = "UTF-8" if encoding == "utf-8" else encoding.upper()
        raise ParseError(f"not {what} text (byte 0x{body[err.start]:02x})", line, column) from None


def encode_like(original: bytes, text: str) -> bytes:
    """``text`` encoded as ``original`` was, byte-order mark included."""
    bom, encoding = sniff(original)
    return bom + text.encode(encoding)
