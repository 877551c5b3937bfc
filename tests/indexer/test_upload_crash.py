"""A process killed between storing an uploaded file and writing its asset leaves nothing behind for long.

The child process uploads through the real services and is SIGKILLed at the moment the asset
would be written: its file is in the managed folder, its asset nowhere. The next upload (a fresh
process, as after a restart) sweeps that file away and stores its own.
"""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
from PIL import Image

from indexer.upload_desk import Incoming, UploadMetadata
from loupe_core.principal import Principal, Role
from loupe_core.settings import REPO_ROOT, Settings
from search_api.services import Services

CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path

    from indexer.upload_desk import Incoming, UploadMetadata
    from loupe_core.principal import Principal, Role
    from loupe_core.settings import Settings
    from loupe_core.store.embedded import EmbeddedStore
    from search_api.services import Services

    def killed(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)  # the file is stored; the asset write never happens

    EmbeddedStore.upsert = killed
    settings = Settings(data_dir=Path(sys.argv[1]), clip_model="", text_model="")
    uploader = Principal("contributor", Role.contributor, frozenset({"marketing"}))
    with Services.opened(settings) as services, open(sys.argv[2], "rb") as source:
        services.uploads.upload(uploader, [Incoming("cut-short.jpg", source)], UploadMetadata())
    """
)


def jpeg(seed: int) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 256, (6, 8, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).resize((160, 120)).save(out, "JPEG")
    return out.getvalue()


def stored(settings: Settings) -> list[Path]:
    return sorted(p for p in settings.uploads_dir.rglob("*") if p.is_file())


def test_a_kill_mid_upload_leaves_an_orphan_file_that_the_next_upload_sweeps(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", clip_model="", text_model="", upload_orphan_grace_s=0)
    source = tmp_path / "photo.jpg"
    source.write_bytes(jpeg(1))
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(settings.data_dir), str(source)],
        cwd=REPO_ROOT,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert child.returncode == -9, child.stderr.decode()[-2000:]
    orphans = stored(settings)
    assert len(orphans) == 1 and orphans[0].suffix == ".jpeg"  # killed between the file and the asset

    uploader = Principal("contributor", Role.contributor, frozenset({"marketing"}))
    with Services.opened(settings) as services:
        assert services.store.count() == 0  # no asset without its file, nor any asset at all
        outcome = services.uploads.upload(uploader, [Incoming("next.jpg", io.BytesIO(jpeg(2)))], UploadMetadata())
        assert outcome[0].asset is not None
        assert stored(settings) == [Path(outcome[0].asset.path or "")]
        assert [a.id for a in services.store.scan()] == [outcome[0].asset.id]
