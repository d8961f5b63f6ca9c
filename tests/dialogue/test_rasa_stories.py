"""`rasa test` on end-to-end test stories in all three languages (tests/stories/), against the
trained model and the running action server."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot import PROJECT_ROOT
from bot.dialogue.model import ensure_model

pytestmark = pytest.mark.stack


def test_the_model_follows_the_test_stories(session_stack, tmp_path):
    model, _ = ensure_model()
    env = {**os.environ, "PRAYAT_ACTIONS_URL": session_stack.actions_url,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'stories.db'}",
           "RASA_TELEMETRY_ENABLED": "false"}
    done = subprocess.run(
        [sys.executable, "-m", "bot.dialogue.rasa_server", "test", "core", "--model", str(model),
         "--stories", str(PROJECT_ROOT / "tests" / "stories"), "--endpoints", "endpoints.yml",
         "--out", str(tmp_path / "results"), "--fail-on-prediction-errors"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600)
    failed = (tmp_path / "results" / "failed_test_stories.yml")
    detail = failed.read_text() if failed.exists() else done.stdout[-3000:] + done.stderr[-3000:]
    assert done.returncode == 0, detail  # --fail-on-prediction-errors: any wrong step fails
