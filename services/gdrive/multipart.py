"""An incremental reader of `multipart/related` bodies (RFC 2046 framing), fed as the request streams in.

Why not python-multipart's streaming parser: it requires CRLF line breaks, and
google-api-python-client builds its multipart uploads with `email.generator`, which writes
bare LF (`\\n--boundary\\nContent-Type: application/json\\n\\n{...}`). Google's upload server
accepts both, so this scanner does too: a delimiter is `--boundary` at the start of the body
or after a line break (CRLF or LF), and the line break before it belongs to the delimiter.

Parts' bodies are handed to the `PartSink` as they arrive; only a delimiter's worth of bytes
is held back between feeds, and part headers are bounded.
"""

from __future__ import annotations

from typing import Protocol

MAX_HEADERS = 16 * 1024  # bytes of header lines per part


class MultipartError(ValueError):
    """The body is not a well-formed multipart body."""


class PartSink(Protocol):
    def begin(self, headers: dict[str, str]) -> None: ...

    def data(self, chunk: bytes) -> None: ...


class RelatedScanner:
    """feed() the body in pieces, then close(); parts go to `sink` in order."""

    def __init__(self, boundary: bytes, sink: PartSink) -> None:
        self.dash = b"--" + boundary
        self.delimiter = b"\n" + self.dash  # a CR before it is dropped from the part with it
        self.sink = sink
        self.buffer = bytearray(b"\n")  # so that a delimiter opening the body is found like any other
        self.state = "preamble"  # preamble | after_delimiter | headers | body | epilogue
        self.parts = 0

    def feed(self, data: bytes) -> None:
        if self.state == "epilogue":
            return  # everything after the close delimiter is ignored
        self.buffer += data
        while self._step():
            pass

    def close(self) -> None:
        self._step()
        if self.state != "epilogue":
            raise MultipartError("The multipart body ends before its closing delimiter.")

    # -- one state transition per call; False when more bytes are needed --------------------
    def _step(self) -> bool:
        if self.state == "preamble":
            return self._preamble()
        if self.state == "after_delimiter":
            return self._after_delimiter()
        if self.state == "headers":
            return self._headers()
        if self.state == "body":
            return self._body()
        self.buffer.clear()
        return False

    def _preamble(self) -> bool:
        found = self.buffer.find(self.delimiter)
        if found < 0:
            # Keep what could be the start of a delimiter split across feeds.
            del self.buffer[: max(len(self.buffer) - len(self.delimiter), 0)]
            return False
        del self.buffer[: found + len(self.delimiter)]
        self.state = "after_delimiter"
        return True

    def _after_delimiter(self) -> bool:
        if len(self.buffer) < 2:
            return False
        if self.buffer.startswith(b"--"):
            self.state = "epilogue"
            self.buffer.clear()
            return False
        end = self.buffer.find(b"\n")
        if end < 0:
            if len(self.buffer) > MAX_HEADERS:
                raise MultipartError("Malformed multipart delimiter line.")
            return False
        if self.buffer[:end].strip(b" \t\r"):
            raise MultipartError("Malformed multipart delimiter line.")
        del self.buffer[: end + 1]
        self.state = "headers"
        return True

    def _headers(self) -> bool:
        if self.buffer.startswith(b"\r\n") or self.buffer.startswith(b"\n"):
            head, rest = b"", 2 if self.buffer.startswith(b"\r\n") else 1  # a part without headers
        else:
            ends = [(i, len(sep)) for sep in (b"\n\r\n", b"\n\n") if (i := self.buffer.find(sep)) >= 0]
            if not ends:
                if len(self.buffer) > MAX_HEADERS:
                    raise MultipartError("Multipart part headers are too long.")
                return False
            index, length = min(ends)
            head, rest = bytes(self.buffer[:index]), index + length
        headers: dict[str, str] = {}
        for line in head.decode("latin-1").splitlines():
            name, colon, value = line.partition(":")
            if not colon:
                raise MultipartError("Malformed multipart part header.")
            headers[name.strip().lower()] = value.strip()
        del self.buffer[:rest]
        self.parts += 1
        self.sink.begin(headers)
        self.state = "body"
        return True

    def _body(self) -> bool:
        found = self.buffer.find(self.delimiter)
        if found < 0:
            # Hand over all but a possible partial delimiter (and the CR that may precede it).
            keep = len(self.delimiter) + 1
            if len(self.buffer) > keep:
                self.sink.data(bytes(self.buffer[:-keep]))
                del self.buffer[:-keep]
            return False
        end = found - 1 if found > 0 and self.buffer[found - 1] == 0x0D else found
        if end:
            self.sink.data(bytes(self.buffer[:end]))
        del self.buffer[: found + len(self.delimiter)]
        self.state = "after_delimiter"
        return True
