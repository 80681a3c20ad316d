"""The snapshot manifest: what each shipped raw file is, and a check that it is unchanged."""

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

MANIFEST_NAME = "manifest.csv"
REQUIRED_COLUMNS = (
    "dataset_id",
    "file",
    "upstream_agency",
    "origin",
    "licence",
    "upstream_vintage",
    "retrieved",
    "sha256",
    "bytes",
    "units",
    "value_basis",
    "kind",
    "description",
    "vintage_date",
)


class ManifestError(Exception):
    """A shipped raw file is missing or no longer matches the manifest."""


@dataclass(frozen=True)
class Entry:
    dataset_id: str
    file: str
    sha256: str
    row: dict


def read_manifest(raw_root: Path) -> list[Entry]:
    path = raw_root / MANIFEST_NAME
    if not path.exists():
        raise ManifestError(f"{path}: manifest is missing")
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ManifestError(f"{path}: manifest lacks columns {', '.join(missing)}")
        return [Entry(r["dataset_id"], r["file"], r["sha256"], r) for r in reader]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(raw_root: Path) -> list[Entry]:
    """Check every shipped file against its checksum; raise naming the first bad file."""
    entries = read_manifest(raw_root)
    for entry in entries:
        path = raw_root / entry.file
        if not path.exists():
            raise ManifestError(f"{entry.file}: listed in the manifest but missing from {raw_root}")
        actual = sha256_of(path)
        if actual != entry.sha256:
            raise ManifestError(
                f"{entry.file}: content has changed since the snapshot was recorded "
                f"(sha256 {actual[:12]}... expected {entry.sha256[:12]}...). "
                "Restore the file, or record the new version in manifest.csv with its provenance."
            )
    return entries
