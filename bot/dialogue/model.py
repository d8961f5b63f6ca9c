"""The trained Rasa model, cached under the hash of everything that goes into it.

Training takes minutes; it happens only when the config, the domain, the stories and rules, the
NLU data, the custom components or the Rasa version change. Content edits never retrain.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from bot import PROJECT_ROOT

logger = logging.getLogger(__name__)

NLU_LANGUAGES = ("km", "en", "zh")
# Packages whose version changes what the model learns (segmentation, character conversion, the
# intent classifier's solver).
MODEL_PACKAGES = ("rasa", "khmer-nltk", "jieba", "opencc-python-reimplemented", "scikit-learn",
                  "numpy")
TRAINING_DATA = ["data", *(f"nlu/{lang}" for lang in NLU_LANGUAGES)]


def model_inputs(root: Path = PROJECT_ROOT) -> list[Path]:
    files = [root / "config.yml", root / "domain.yml"]
    for folder in TRAINING_DATA:
        files += sorted((root / folder).rglob("*.yml"))
    files += sorted((root / "nlu" / "components").glob("*.py"))
    return files


def model_hash(root: Path = PROJECT_ROOT) -> str:
    versions = " ".join(f"{d}={metadata.version(d)}" for d in MODEL_PACKAGES)
    digest = hashlib.sha256(versions.encode() + b"\n")
    for path in model_inputs(root):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    """Shared by every checkout on the machine, so a fresh clone (as in CI) reuses the model."""
    default = Path.home() / ".cache" / "prayat" / "models"
    return Path(os.environ.get("PRAYAT_MODEL_CACHE") or default)


def model_path(root: Path = PROJECT_ROOT) -> Path:
    return root / "models" / f"prayat-{model_hash(root)}.tar.gz"


def ensure_model(root: Path = PROJECT_ROOT, force: bool = False) -> tuple[Path, float]:
    """The model for the current inputs: (path, seconds spent training, 0 when cached)."""
    path = model_path(root)
    cached = cache_dir() / path.name
    if not force and path.exists():
        return path, 0.0
    path.parent.mkdir(parents=True, exist_ok=True)
    if not force and cached.exists():
        shutil.copy2(cached, path)
        logger.info("Model %s taken from the cache %s", path.name, cached.parent)
        return path, 0.0
    logger.info("Training the model %s (its inputs changed) ...", path.name)
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "rasa", "train", "--config", "config.yml", "--domain", "domain.yml",
         "--data", *TRAINING_DATA, "--out", str(path.parent),
         "--fixed-model-name", path.name.removesuffix(".tar.gz")],
        cwd=root, check=True, env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    seconds = time.monotonic() - started
    cached.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, cached)
    _train_record(cached).write_text(f"{seconds:.1f}\n")
    logger.info("Model trained in %.0f s", seconds)
    return path, seconds


def _train_record(cached: Path) -> Path:
    return cached.with_name(cached.name.removesuffix(".tar.gz") + ".train_s")


def recorded_training_seconds(model: Path) -> float | None:
    """How long this model took to train, as recorded when it was trained on this machine."""
    record = _train_record(cache_dir() / model.name)
    try:
        return float(record.read_text())
    except (OSError, ValueError):
        return None
