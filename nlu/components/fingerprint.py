"""What Rasa's training cache must know about our components' code.

Rasa reuses a component's cached output when the component's class source, config and inputs are
unchanged. It reads only the class itself, so a change to a function the class calls (the
segmenter, the TF-IDF weighting) would silently reuse output made by the old code. Each of our
trainable or tokenizing components adds the source of the modules it depends on, and the versions
of the packages that shape its output, to its fingerprint.
"""

from __future__ import annotations

import hashlib
import inspect
from importlib import metadata
from types import ModuleType


def code_fingerprint(modules: tuple[ModuleType, ...], packages: tuple[str, ...] = ()) -> str:
    digest = hashlib.sha256()
    for module in modules:
        digest.update(inspect.getsource(module).encode())
    for package in packages:
        digest.update(f"{package}={metadata.version(package)}".encode())
    return digest.hexdigest()
