"""The Rasa project itself, run in .venv-rasa: data validation, the end-to-end test stories and
the held-out NLU scores (one `rasa test` run, through bot/nlu_report.py)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests import support as procs

pytestmark = pytest.mark.slow
RASA_ENV = {"FASHIONBOT_ACTIONS_URL": "http://localhost:5055/webhook", "FASHIONBOT_TRACKER_DB": "/dev/null"}


def test_data_validates():
    if not procs.RASA.exists():
        pytest.skip(f"{procs.RASA} is missing: run `make setup`")
    result = subprocess.run([str(procs.RASA), "data", "validate"], cwd=procs.BOT, env={**os.environ, **RASA_ENV},
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_stories_pass_and_heldout_nlu_meets_goals(tmp_path):
    procs.trained_model()
    summary_file = tmp_path / "summary.json"
    result = subprocess.run([sys.executable, str(procs.BOT / "nlu_report.py"), "--results", str(tmp_path / "results"),
                             "--json", str(summary_file)], capture_output=True, text=True)
    summary = json.loads(summary_file.read_text())
    assert summary["stories_failed"] == 0, summary["failed_stories"]
    assert summary["intent_macro_f1"] >= 0.95, summary["intent_errors"]
    assert summary["entity_f1"]["DIETClassifier"] >= 0.90
    assert result.returncode == 0, result.stdout[-2000:]
