"""Deployment (docker/): the compose file is valid and runs the same commands as the Makefile.

There is no Docker engine here; `docker compose config` needs only the CLI and its Compose v2
plugin (`make docker-config` installs the plugin when missing). Without them the tests that need
the resolved configuration skip; the file-level checks always run.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import warnings
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKER = ROOT / "docker"
COMPOSE = DOCKER / "compose.yml"
ENV_EXAMPLE = DOCKER / ".env.example"
RASA_ENDPOINTS = DOCKER / "rasa" / "endpoints.yml"

# Where the local commands are written down: the Makefile and `make run`'s supervisord config.
COMMAND_SOURCES = [ROOT / "Makefile", ROOT / "bot" / "supervisord.conf"]
# The documented commands, used only for a service whose command is not (yet) in those files.
DOCUMENTED = {
    "engine": "fashionbot serve --host 0.0.0.0 --port 8000",
    "actions": "python -m actions.serve --actions actions --port 5055",
    "rasa": "rasa_server.py run --enable-api --cors ORIGIN --interface 0.0.0.0 --port 5005",
}
# Options that name local paths or logging, which legitimately differ inside the containers.
LOCAL_ONLY = {"--endpoints", "--credentials", "--model", "-m", "--log-file", "--debug", "-vv",
              "--verbose", "-v", "--quiet", "--auto-reload"}
# Options both must have, whose values come from the deployment: where to listen (a container
# listens on every interface of its own), the API token and the web chat's origin.
DEPLOYMENT_VALUES = {"--host", "--interface", "-i", "--auth-token", "--cors"}
SHELL_STOP = {";", "&&", "||", "&", "|", ")", "("}


# ------------------------------------------------------------------ the local commands
def _make_variables(text: str) -> dict[str, str]:
    out = {}
    for match in re.finditer(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(?:\?=|:=|::=|=)\s*(.*)$", text,
                             re.MULTILINE):
        out.setdefault(match.group(1), match.group(2).strip())
    return out


def _expand(line: str, variables: dict[str, str], depth: int = 0) -> str:
    if depth > 5:
        return line
    expanded = re.sub(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*):-([^}]*)\}",  # shell default: ${VAR:-default}
                      lambda m: variables.get(m.group(1), m.group(2)), line)
    expanded = re.sub(r"(?<!\$)\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]",
                      lambda m: variables.get(m.group(1), m.group(0)), expanded)
    expanded = re.sub(r"%\(ENV_([A-Za-z_][A-Za-z0-9_]*)\)s",  # supervisord: the environment make exports
                      lambda m: variables.get(m.group(1), "${%s}" % m.group(1)), expanded)
    return expanded if expanded == line else _expand(expanded, variables, depth + 1)


def _command_lines() -> list[str]:
    """Every recipe / config line of the command sources, continuations joined, variables expanded."""
    lines = []
    texts = {p: p.read_text(encoding="utf-8").replace("\\\n", " ") for p in COMMAND_SOURCES if p.is_file()}
    variables = {}
    for text in texts.values():  # the Makefile exports its variables to supervisord's processes
        variables.update({k: v for k, v in _make_variables(text).items() if k not in variables})
    for path, text in texts.items():
        for line in text.splitlines():
            if line.lstrip().startswith(";"):  # a supervisord comment
                continue
            line = line.split("#", 1)[0] if not line.startswith("\t") else line
            lines.append(_expand(line.strip(), variables).replace("$$", "$"))
    return lines


def _tokens(line: str) -> list[str]:
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()")
    lexer.whitespace_split = True
    try:
        return list(lexer)
    except ValueError:
        return line.split()


def _find_command(service: str) -> tuple[list[str], str]:
    """The local command of a service as argv starting at its program, and where it was found."""
    patterns = {
        "engine": lambda t, i: Path(t[i]).name == "fashionbot" and t[i + 1:i + 2] == ["serve"],
        "actions": lambda t, i: t[i] == "actions.serve" and i >= 1 and t[i - 1] == "-m",
        "rasa": lambda t, i: Path(t[i]).name == "rasa_server.py" and t[i + 1:i + 2] == ["run"],
    }
    for line in _command_lines():
        tokens = _tokens(line)
        for i in range(len(tokens)):
            if patterns[service](tokens, i):
                start = i - 2 if service == "actions" else i  # keep "python -m"
                argv = []
                for token in tokens[start:]:
                    if token in SHELL_STOP:
                        break
                    argv.append(token)
                return argv, "Makefile/supervisord.conf"
    warnings.warn(f"no `{DOCUMENTED[service]}` in {', '.join(p.name for p in COMMAND_SOURCES)}: "
                  f"checking docker/compose.yml against the documented command")
    return shlex.split(DOCUMENTED[service]), "documented"


def _options(argv: list[str], values: bool = True) -> dict[str, str | bool]:
    """--flag value / --flag=value / bare --flag -> dict, without the local-only ones; with
    ``values=False`` the deployment-specific ones count only as present."""
    out: dict[str, str | bool] = {}
    i = 0
    while i < len(argv):
        token = argv[i]
        if token.startswith("-"):
            name, _, value = token.partition("=")
            if not value and i + 1 < len(argv) and not argv[i + 1].startswith("-"):
                value = argv[i + 1]
                i += 1
            if name == "-p":
                name = "--port"
            if name not in LOCAL_ONLY:
                out[name] = True if name in DEPLOYMENT_VALUES and not values else value or True
        i += 1
    return out


def _yaml_without_comments(path: Path) -> str:
    return "\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith("#"))


# ------------------------------------------------------------------ docker compose
def _compose_env() -> dict[str, str]:
    """A clean environment: only .env-example values may reach the interpolation."""
    env = {k: os.environ[k] for k in ("PATH", "HOME", "DOCKER_CONFIG", "TMPDIR") if k in os.environ}
    return env


@pytest.fixture(scope="module")
def compose_cli() -> list[str]:
    docker = shutil.which("docker")
    if not docker:
        pytest.skip("the docker CLI is not installed, so `docker compose config` cannot run "
                    "(no Docker engine is needed: install the docker CLI, then `make docker-config`)")
    probe = subprocess.run([docker, "compose", "version"], check=False, capture_output=True, text=True,
                           env=_compose_env())
    if probe.returncode != 0:
        pytest.skip("`docker compose` (the Compose v2 CLI plugin) is not installed: run `make docker-config` "
                    "(or bash docker/install-compose-plugin.sh) to install it")
    return [docker, "compose"]


def _config(cli: list[str], *files: str, env_file: Path = ENV_EXAMPLE) -> subprocess.CompletedProcess:
    args = [*cli]
    for name in files:
        args += ["-f", str(DOCKER / name)]
    return subprocess.run([*args, "--env-file", str(env_file), "config", "--format", "json"],
                          check=False, capture_output=True, text=True, env=_compose_env(), cwd=ROOT, timeout=60)


@pytest.fixture(scope="module")
def config(compose_cli) -> dict:
    result = _config(compose_cli, "compose.yml")
    assert result.returncode == 0, f"docker compose config failed:\n{result.stderr}"
    return json.loads(result.stdout)


def _port(service: dict) -> set[int]:
    """Container ports a service publishes or exposes."""
    ports = {int(p["target"]) for p in service.get("ports") or []}
    return ports | {int(str(p).split("/")[0]) for p in service.get("expose") or []}


def _healthcheck_port(service: dict) -> int | None:
    test = " ".join(service.get("healthcheck", {}).get("test") or [])
    match = re.search(r"https?://(?:127\.0\.0\.1|localhost):(\d+)", test)
    return int(match.group(1)) if match else None


# ------------------------------------------------------------------ tests: compose config
def test_compose_config_is_valid_with_env_example(compose_cli):
    result = subprocess.run([*compose_cli, "-f", str(COMPOSE), "--env-file", str(ENV_EXAMPLE), "config"],
                            check=False, capture_output=True, text=True, env=_compose_env(), cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "WARN" not in result.stderr, result.stderr  # e.g. a variable with neither value nor default


@pytest.mark.parametrize("overlay", ["compose.scale.yml", "compose.gpu.yml", "compose.milvus.yml"])
def test_overlays_are_valid(compose_cli, overlay):
    result = _config(compose_cli, "compose.yml", overlay)
    assert result.returncode == 0, result.stderr
    services = json.loads(result.stdout)["services"]
    if overlay == "compose.scale.yml":
        # replicas publish nothing (so --scale works); the load balancer publishes their ports
        assert not services["rasa"].get("ports") and not services["engine"].get("ports")
        assert {int(p["target"]) for p in services["lb"]["ports"]} == {5005, 8000}
    elif overlay == "compose.milvus.yml":
        # the engine builds (prepare) and serves its index in the Milvus service, once it is healthy
        for name in ("engine-prepare", "engine"):
            env = services[name]["environment"]
            assert env["FASHIONBOT_INDEX_BACKEND"] == "milvus" and env["FASHIONBOT_MILVUS_URI"] == "http://milvus:19530"
            assert services[name]["depends_on"]["milvus"]["condition"] == "service_healthy"
        assert not services["milvus"].get("ports") and services["milvus"]["healthcheck"]["test"]
    else:
        assert services["engine"]["deploy"]["resources"]["reservations"]["devices"]
        assert services["engine"]["build"]["args"]["TORCH_VARIANT"].startswith("cu")


def test_postgres_password_has_no_default(compose_cli, tmp_path):
    empty = tmp_path / "empty.env"
    empty.write_text("")
    result = _config(compose_cli, "compose.yml", env_file=empty)
    assert result.returncode != 0 and "POSTGRES_PASSWORD" in result.stderr


def test_services_and_images(config):
    services = config["services"]
    assert {"rasa", "rasa-train", "actions", "engine", "engine-prepare", "postgres", "redis"} <= set(services)
    rasa_pin = re.search(r"^rasa==(\S+)$", (ROOT / "requirements" / "rasa.txt").read_text(), re.MULTILINE).group(1)
    for name in ("rasa", "rasa-train"):
        assert services[name]["image"] == f"rasa/rasa:{rasa_pin}-full"
    assert services["engine"]["build"]["dockerfile"] == "docker/Dockerfile.engine"
    assert services["actions"]["build"]["dockerfile"] == "docker/Dockerfile.actions"


def test_engine_command_and_port_match_makefile(config):
    local, _ = _find_command("engine")
    engine = config["services"]["engine"]
    assert engine["command"][:2] == ["fashionbot", "serve"]
    assert _options(engine["command"], False) == _options(local, False)
    port = int(_options(local)["--port"])
    assert _port(engine) == {port} and _healthcheck_port(engine) == port
    # `make run` prepares first; here a one-shot service does, on the catalogue volume
    assert any(re.search(r"fashionbot\s+prepare\b", line) for line in _command_lines())
    prepare = config["services"]["engine-prepare"]
    assert prepare["command"][:3] == ["fashionbot", "prepare", "--source"]
    assert prepare["command"][3] in {v["target"] for v in prepare["volumes"]}
    assert engine["depends_on"]["engine-prepare"]["condition"] == "service_completed_successfully"
    # the actions reach the engine on that port
    actions_env = config["services"]["actions"]["environment"]
    assert urlsplit(actions_env["FASHIONBOT_ENGINE_URL"]).port == port


def test_actions_command_and_port_match_makefile(config):
    local, _ = _find_command("actions")
    actions = config["services"]["actions"]
    assert actions["command"][1:3] == ["-m", "actions.serve"]  # one process: nothing outlives its pid
    assert _options(actions["command"], False) == _options(local, False)
    port = int(_options(local)["--port"])
    assert _port(actions) == {port} and _healthcheck_port(actions) == port
    url = urlsplit(config["services"]["rasa"]["environment"]["FASHIONBOT_ACTIONS_URL"])
    assert (url.hostname, url.port, url.path) == ("actions", port, "/webhook")
    # the image's own CMD is the same command
    cmd = re.search(r"^CMD\s+(\[.*\])\s*$", (DOCKER / "Dockerfile.actions").read_text(), re.MULTILINE).group(1)
    assert json.loads(cmd) == actions["command"]


def test_rasa_command_and_port_match_makefile(config):
    local, _ = _find_command("rasa")
    rasa = config["services"]["rasa"]
    assert rasa["command"][0] == "run"  # `rasa run`, through the launcher that reads the token
    assert rasa["entrypoint"] == ["python", "/app/bot/rasa_server.py"]
    assert _options(rasa["command"], False) == _options(local, False)
    port = int(_options(local)["--port"])
    assert _port(rasa) == {port} and _healthcheck_port(rasa) == port
    # the model rasa-train writes is the one rasa serves; the bot and endpoints are mounted
    args = rasa["command"]
    model_dir = args[args.index("--model") + 1]
    train = config["services"]["rasa-train"]["command"]
    assert train[0] == "train" and train[train.index("--out") + 1] == model_dir
    mounts = {v["target"]: v for v in rasa["volumes"]}
    assert mounts[model_dir]["type"] == "volume"
    assert args[args.index("--endpoints") + 1] in mounts
    assert Path(args[args.index("--credentials") + 1]).parent.as_posix() in mounts
    assert rasa["depends_on"]["rasa-train"]["condition"] == "service_completed_successfully"


def test_rasa_api_needs_a_token_and_cors_is_the_page_origin(config):
    rasa = config["services"]["rasa"]
    args = rasa["command"]
    assert rasa["environment"]["FASHIONBOT_RASA_TOKEN"] == ""  # .env.example has none: the API answers 401
    assert args[args.index("--cors") + 1] == "http://localhost:8000"  # FASHIONBOT_PUBLIC_URL of .env.example
    assert rasa["environment"]["RASA_TELEMETRY_ENABLED"] == "false"
    assert int(rasa["environment"]["SANIC_REQUEST_MAX_SIZE"]) <= 4 * 1024 * 1024
    local = _options(_find_command("rasa")[0])
    assert local["--cors"] != "*"
    assert local["--interface"] == "127.0.0.1"  # FASHIONBOT_BIND's default


def test_only_engine_and_rasa_are_published_and_actions_stay_internal(config):
    services = config["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"engine", "rasa"}
    assert set(services["actions"]["networks"]) == {"backend"}
    assert config["networks"]["backend"].get("internal") is True
    assert {"backend"} <= set(services["rasa"]["networks"]) and {"backend"} <= set(services["engine"]["networks"])
    # locally: the engine on FASHIONBOT_BIND (default 127.0.0.1), the action server always on loopback
    assert _options(_find_command("engine")[0])["--host"] == "127.0.0.1"
    supervisord = (ROOT / "bot" / "supervisord.conf").read_text()
    actions = supervisord[supervisord.index("[program:actions]"):].split("\n[", 1)[0]
    assert 'SANIC_HOST="127.0.0.1"' in actions


def test_startup_is_ordered_by_healthchecks(config):
    services = config["services"]
    for name, service in services.items():
        for dep, spec in (service.get("depends_on") or {}).items():
            assert spec["condition"] in {"service_healthy", "service_completed_successfully"}, (name, dep)
            if spec["condition"] == "service_healthy":
                check = services[dep].get("healthcheck") or {}
                assert check.get("test") and not check.get("disable"), f"{dep} has no healthcheck"
    assert set(services["rasa"]["depends_on"]) >= {"postgres", "redis", "actions", "rasa-train"}
    assert set(services["engine"]["depends_on"]) >= {"postgres", "engine-prepare"}


def test_data_lives_in_named_volumes(config):
    named = set(config.get("volumes") or {})
    wanted = {"postgres": "/var/lib/postgresql/data", "engine": "/var/lib/fashionbot/index",
              "engine-prepare": "/var/lib/fashionbot/index", "rasa": "/app/models"}
    for name, target in wanted.items():
        mounts = {v["target"]: v for v in config["services"][name]["volumes"]}
        assert mounts[target]["type"] == "volume" and mounts[target]["source"] in named, (name, target)
    index = {v["target"]: v for v in config["services"]["engine"]["volumes"]}["/var/lib/fashionbot/index"]
    assert index.get("read_only"), "engine replicas must mount the index read-only"


def test_stores_point_at_postgres_and_redis(config):
    services = config["services"]
    engine_url = services["engine"]["environment"]["FASHIONBOT_DB_URL"]
    assert engine_url.startswith("postgresql+psycopg://") and urlsplit(engine_url).hostname == "postgres"
    env = services["rasa"]["environment"]
    assert (env["TRACKER_DB_HOST"], env["LOCK_STORE_HOST"]) == ("postgres", "redis")
    endpoints = yaml.safe_load(RASA_ENDPOINTS.read_text())
    # Rasa's SQL store with the retention of bot/retention.py (on the rasa service's PYTHONPATH)
    assert endpoints["tracker_store"]["type"] == "retention.RetainingSQLTrackerStore"
    assert endpoints["tracker_store"]["dialect"] == "postgresql" and env["PYTHONPATH"] == "/app/bot"
    assert endpoints["lock_store"]["type"] == "redis"


def test_rasa_placeholders_are_all_set(config):
    """Rasa fails at start-up on an unset ${VAR} in its YAML: every one must be in its environment."""
    env = config["services"]["rasa"]["environment"]
    for path in (RASA_ENDPOINTS, ROOT / "bot" / "credentials.yml"):
        if path.exists():
            missing = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", _yaml_without_comments(path))) - set(env)
            assert not missing, f"{path.relative_to(ROOT)} uses {sorted(missing)}, not set for the rasa service"


# ------------------------------------------------------------------ tests: files only
def test_rasa_endpoints_placeholders_are_unquoted():
    """Rasa 3.6 expands ${VAR} only in plain YAML scalars; "${VAR}" in quotes stays literal."""
    quoted = re.findall(r"""["'][^"'\n]*\$\{""", _yaml_without_comments(RASA_ENDPOINTS))
    assert not quoted, quoted


def test_env_example_has_no_secrets():
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    assert values["TELEGRAM_TOKEN"] == ""
    for key, value in values.items():
        if re.search(r"TOKEN|SECRET|API_KEY|VERIFY", key):
            assert value == "", f"{key} must be empty in .env.example"
        if "PASSWORD" in key and value:
            assert value == "change-me", f"{key}: only the placeholder may be committed"
    # docker/.env holds the real values and is never committed
    ignored = subprocess.run(["git", "check-ignore", "-q", str(DOCKER / ".env")], check=False, cwd=ROOT)
    assert ignored.returncode == 0, "docker/.env is not ignored by git"


def test_compose_file_has_no_literal_secrets():
    for number, line in enumerate(COMPOSE.read_text().splitlines(), 1):
        match = re.match(r"\s*([A-Z_]*(?:PASSWORD|TOKEN|SECRET)[A-Z_]*):\s*(\S.*)?$", line)
        if match and match.group(2):
            assert match.group(2).startswith("${"), f"compose.yml:{number} sets {match.group(1)} literally"


def test_the_rasa_token_is_on_no_command_line():
    """Every local user reads every process's arguments: the token goes through the environment
    or a file (bot/rasa_server.py), locally and in compose, never as ``--auth-token``."""
    sources = [*COMMAND_SOURCES, COMPOSE, *DOCKER.glob("compose.*.yml"), ROOT / "scripts" / "run.sh"]
    for path in sources:
        lines = [line for line in path.read_text().splitlines() if not line.lstrip().startswith(("#", ";"))]
        assert not [line for line in lines if "--auth-token" in line], path
    launcher = (ROOT / "bot" / "rasa_server.py").read_text()
    assert "FASHIONBOT_RASA_TOKEN_FILE" in launcher and "FASHIONBOT_RASA_TOKEN" in launcher
