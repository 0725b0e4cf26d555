"""Signed-URL transfers: files from ACC's storage, which carry their own signature (no bearer token).

`AccClient` inherits these; they use its pooled HTTP client and settings. A fetch is bounded in size and
time; a download is the whole file or nothing (written to a temporary name, renamed only when complete).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import anyio
import httpx2

from . import deadline
from .config import Settings
from .errors import InvalidInput, UpstreamError
from .responses import MIN_REQUEST_SECONDS, PART, as_int, clean_stale_downloads, out_of_time
from .safety import check_file_host, looks_like_html, safe_child, sniff_image


class Transfers:
    settings: Settings
    _cleaned: set[Path]
    """Download folders whose stale temporaries were already removed by this process."""

    @property
    def _http(self) -> httpx2.AsyncClient:
        raise NotImplementedError

    async def fetch_bytes(self, url: str, *, max_bytes: int) -> tuple[bytes, str]:
        """GET a signed URL (no bearer token: it carries its own signature) up to `max_bytes`.

        Only from ACC's storage hosts or the configured API host (`safety.check_file_host`); only a 200
        counts (a redirect is not followed, and never read as the file).
        """
        check_file_host(url, self.settings)
        left = deadline.remaining()
        if left < MIN_REQUEST_SECONDS:
            raise out_of_time(0)
        try:
            with anyio.fail_after(min(left, self.settings.timeout * 2)):
                async with self._http.stream("GET", url) as response:
                    if response.status_code != 200:
                        raise UpstreamError(
                            f"Downloading the file failed ({response.status_code}); the link may have expired."
                        )
                    declared = as_int(response.headers.get("content-length"))
                    if declared > max_bytes:
                        raise InvalidInput(f"The file is {declared:,} bytes, over the {max_bytes:,}-byte limit.")
                    chunks: list[bytes] = []
                    size = 0
                    async for chunk in response.aiter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise InvalidInput(f"The file is over the {max_bytes:,}-byte limit.")
                        chunks.append(chunk)
                    return b"".join(chunks), response.headers.get("content-type", "application/octet-stream")
        except TimeoutError:
            raise out_of_time(1) from None
        except httpx2.TransportError as exc:
            raise UpstreamError(f"Downloading the file failed ({type(exc).__name__}).") from None

    async def fetch_image(self, url: str, *, max_bytes: int) -> tuple[bytes, str]:
        """`fetch_bytes`, accepted only when the bytes really are an image; returns (bytes, its real type)."""
        data, _declared = await self.fetch_bytes(url, max_bytes=max_bytes)
        mime = sniff_image(data)
        if mime is None:
            raise UpstreamError("ACC's link for this picture did not return an image; nothing was attached.")
        return data, mime

    async def download(self, url: str, folder: Path, name: str, *, expected_size: int | None = None) -> int:
        """Stream a signed URL to `folder/name`: written to a temporary name, renamed only when complete.

        A download is either the whole file or nothing: a short read, a size mismatch, a redirect or an
        HTML page (an error page or a sign-in form is not the file) leaves no file under the name, and
        temporaries left by a process killed mid-write are removed the next time a download starts there.
        Names that are empty, absolute, contain NUL or climb out of `folder` are refused.
        """
        dest = safe_child(folder, name)
        check_file_host(url, self.settings)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.parent not in self._cleaned:
            clean_stale_downloads(dest.parent)
            self._cleaned.add(dest.parent)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.{os.getpid()}.", suffix=PART, dir=dest.parent)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                async with self._http.stream("GET", url) as response:
                    if response.status_code != 200:
                        raise UpstreamError(f"Download failed ({response.status_code}); the link may have expired.")
                    declared = response.headers.get("content-length")
                    size = 0
                    first = True
                    async for chunk in response.aiter_bytes(1 << 20):
                        if first and looks_like_html(chunk, response.headers.get("content-type")):
                            raise UpstreamError("The download link returned a web page, not the file; nothing saved.")
                        first = False
                        out.write(chunk)
                        size += len(chunk)
                    if first and looks_like_html(b"", response.headers.get("content-type")):
                        raise UpstreamError("The download link returned a web page, not the file; nothing saved.")
                out.flush()
                os.fsync(out.fileno())
            for wanted in (declared, expected_size):
                if wanted is not None and as_int(wanted) != size:
                    raise UpstreamError(f"Download incomplete: got {size:,} of {as_int(wanted):,} bytes.")
            os.replace(tmp, dest)
            return size
        except httpx2.TransportError as exc:
            raise UpstreamError(f"Download failed ({type(exc).__name__}).") from None
        finally:
            tmp.unlink(missing_ok=True)
