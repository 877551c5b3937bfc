"""`--include` / `--exclude` glob patterns, matched against paths relative to the library root.

The rules are the ones people know from `.gitignore`: a pattern without a slash matches a name
at any depth (`*.tif`, `_archive`), one with a slash is anchored at the root (`raw/2019/*`),
and `**` spans any number of folders. `fnmatch` cannot be used as is: its `*` crosses `/`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Compile one glob; raises ValueError for an empty pattern."""
    text = pattern.strip().strip("/") if pattern.strip() != "/" else ""
    if not text:
        raise ValueError(f"empty glob pattern {pattern!r}")
    anchored = "/" in text or pattern.strip().startswith("/")
    parts: list[str] = []
    i = 0
    while i < len(text):
        if text.startswith("**/", i):
            parts.append("(?:.*/)?")
            i += 3
        elif text.startswith("**", i):
            parts.append(".*")
            i += 2
        elif text[i] == "*":
            parts.append("[^/]*")
            i += 1
        elif text[i] == "?":
            parts.append("[^/]")
            i += 1
        elif text[i] == "[" and (end := text.find("]", i + 2)) != -1:
            body = text[i + 1 : end]
            parts.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            parts.append(re.escape(text[i]))
            i += 1
    return re.compile(("" if anchored else "(?:.*/)?") + "".join(parts))


@dataclass(frozen=True)
class PathFilter:
    """Which files under the root a run considers; files it leaves out are not reported at all."""

    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def from_globs(
        cls, include: list[str] | tuple[str, ...] = (), exclude: list[str] | tuple[str, ...] = ()
    ) -> PathFilter:
        return cls(tuple(map(glob_to_regex, include)), tuple(map(glob_to_regex, exclude)))

    def skips_folder(self, relpath: str) -> bool:
        """An excluded folder is not walked at all (a `node_modules` or `_archive` can be huge)."""
        return any(p.fullmatch(relpath) for p in self.exclude)

    def accepts_file(self, relpath: str) -> bool:
        if any(p.fullmatch(relpath) for p in self.exclude):
            return False
        return not self.include or any(p.fullmatch(relpath) for p in self.include)
