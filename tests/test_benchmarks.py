"""Each benchmark is one command: --help says what it measures, before any work starts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, f"benchmarks/{script}.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "script", ["pages", "throughput", "pageweight", "lighthouse", "renditions"]
)
def test_help_says_what_a_benchmark_measures_and_a_wrong_option_is_refused(script, tmp_path):
    helped = run(script, "--help")
    assert helped.returncode == 0, helped.stderr
    assert f"usage: {script}.py" in helped.stdout and "Run:" in helped.stdout
    refused = run(script, "--bogus")
    assert refused.returncode == 2
    assert refused.stderr.splitlines()[-1] == (
        f"{script}.py: error: unrecognized arguments: --bogus"
    )


def test_a_run_count_of_nothing_is_refused_in_a_line():
    refused = run("renditions", "--repeat", "0")
    assert refused.returncode == 2
    assert refused.stderr.splitlines()[-1] == (
        "renditions.py: error: argument --repeat: must be a whole number of at least 1, not '0'"
    )


def test_a_benchmarks_server_leaves_a_production_servers_socket_and_log_alone(monkeypatch):
    from benchmarks import server_environment

    monkeypatch.setenv("GUNICORN_CONTROL_SOCKET", "/run/newsroom/gunicorn.ctl")
    monkeypatch.setenv("GUNICORN_ACCESS_LOG", "/var/log/newsroom/access.log")
    env = server_environment(PORT="0")
    assert "GUNICORN_CONTROL_SOCKET" not in env
    assert env["GUNICORN_ACCESS_LOG"] == "" and env["PORT"] == "0"


def test_a_round_count_of_nothing_is_refused_in_a_line(monkeypatch):
    monkeypatch.setenv("BENCH_ROUNDS", "x")
    refused = run("throughput")
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        "throughput.py: BENCH_ROUNDS must be a whole number of at least 1, not 'x'"
    ]


def settings_read(env: dict[str, str]) -> subprocess.CompletedProcess:
    script = "import django, os; django.setup(); print(os.environ['BENCH_DIR'])"
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_benchmarks_folder_is_made_when_named_and_removed_when_its_own(tmp_path):
    named = tmp_path / "not" / "yet"
    assert settings_read({"BENCH_DIR": str(named)}).returncode == 0
    assert named.is_dir()  # Named by the one who runs it: theirs to keep.
    own = settings_read({"BENCH_DIR": ""})
    assert own.returncode == 0, own.stderr
    assert not Path(own.stdout.strip()).exists()
