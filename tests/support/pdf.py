"""Reading real PDFs with poppler's tools (pdftotext, pdfinfo)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

POINTS = {"A4": (595, 842), "Letter": (612, 792)}


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())  # lines joined: wrapped text reads on


def page_points(pdf: bytes, tmp_path: Path) -> tuple[int, int]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True).stdout
    match = re.search(rb"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert match, info
    return round(float(match.group(1))), round(float(match.group(2)))
