"""The load cache: each briefing file's loaded model, keyed by what it was loaded from.

The key is a hash of the file's path and bytes, of everything else loading reads
(`site.yaml` and `briefings/_sources.yaml`) and of Brief's version; never modification
times. Entries are JSON (see `cachecodec`), written atomically, so a damaged or foreign
entry is only ever a cache miss.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from generator import __version__, cachecodec

if TYPE_CHECKING:
    from generator.config import SiteConfig
    from generator.content.load import LoadedFile
    from generator.markdown.body import RenderedBody

CACHE_FOLDER = "load"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class LoadCache:
    folder: Path
    context: str
    #: False for `--clean`: entries are written for the next build but none is read.
    read: bool = True

    @classmethod
    def for_site(cls, config: SiteConfig, read: bool = True) -> LoadCache:
        digest = hashlib.sha256(f"brief {__version__}\0".encode())
        for path in (config.path, config.briefings_dir / "_sources.yaml"):
            digest.update(path.read_bytes() if path.is_file() else b"-")
            digest.update(b"\0")
        return cls(config.cache_dir / CACHE_FOLDER, digest.hexdigest(), read)

    def key(self, path: Path, data: bytes) -> str:
        digest = hashlib.sha256(self.context.encode())
        digest.update(os.fsencode(os.path.abspath(path)) + b"\0")  # no symlinks: refused
        digest.update(data)
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[-2:] / f"{key}.json"

    # Bodies are cached on their own too: their HTML does not depend on the front matter or
    # on the shared sources, so a change there costs a validation, not a Markdown parse.

    def body_key(self, body: str, line_offset: int, allow_html: bool) -> str:
        digest = hashlib.sha256(f"brief {__version__} body {line_offset} {allow_html}\0".encode())
        digest.update(body.encode("utf-8", "surrogatepass"))
        return "body-" + digest.hexdigest()

    def get_body(self, key: str) -> RenderedBody | None:
        from generator.markdown.body import RenderedBody

        return self._read(key, RenderedBody)

    def put_body(self, key: str, body: RenderedBody) -> None:
        self._write(key, body)

    def _read(self, key: str, cls: type[T]) -> T | None:
        if not self.read:
            return None
        try:
            return cachecodec.loads(self._path(key).read_bytes(), cls)
        except (OSError, cachecodec.CacheFormatError):
            return None

    def _write(self, key: str, value: object) -> None:
        # Written in place, not renamed: a torn entry fails to parse and is only a miss, and
        # two builds writing one key write the same bytes.
        target = self._path(key)
        try:
            data = cachecodec.dumps(value)
            try:
                target.write_bytes(data)
            except FileNotFoundError:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        except OSError:
            pass  # a cache that cannot be written is only a slower next build

    def get(self, key: str) -> LoadedFile | None:
        from generator.content.load import LoadedFile

        return self._read(key, LoadedFile)

    def put(self, key: str, loaded: LoadedFile) -> None:
        self._write(key, loaded)
