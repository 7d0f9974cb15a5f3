"""deploy/: what can be checked on this machine — the compose file parses and wires
PostgreSQL, the migrations, two workers and nginx; nginx accepts its configuration
(`nginx -t`, where nginx is installed); the systemd unit passes `systemd-analyze verify`
(where systemd is); the production settings load."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from bot.settings import load_settings

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
WORKERS = ("servicebot-1", "servicebot-2")


@pytest.fixture(scope="module")
def compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_runs_postgres_migrations_two_workers_and_nginx(compose):
    services = compose["services"]
    assert set(services) == {"postgres", "migrate", *WORKERS, "nginx"}
    assert services["migrate"]["command"] == ["servicebot", "db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    for name in WORKERS:
        worker = services[name]
        assert worker["command"] == ["servicebot", "run"]
        assert worker["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert worker["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert worker["stop_signal"] == "SIGTERM" and worker["stop_grace_period"] == "10s"
        assert "/readyz" in " ".join(worker["healthcheck"]["test"])
        assert worker["environment"]["DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert services["postgres"]["healthcheck"]["test"][1] == "pg_isready"
    mounts = [v.split(":")[0] for v in services["nginx"]["volumes"]]
    assert "./nginx/servicebot.conf" in mounts


def test_compose_refers_to_files_that_exist(compose):
    worker = compose["services"]["servicebot-1"]
    assert (DEPLOY / worker["build"]["context"] / worker["build"]["dockerfile"]).is_file()
    assert (DEPLOY / "servicebot.env.example").is_file()  # copied to servicebot.env
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./") and source != "./tls":  # tls: the operator's certificate
                assert (DEPLOY / source).exists(), source
    root = DEPLOY.parent
    for line in (DEPLOY / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert (root / source).exists(), source


def test_compose_file_validates_against_the_compose_specification(compose):
    compose_spec = pytest.importorskip("compose_spec", reason="pip install compose-spec")
    # (the Rust compose_spec parser does not take YAML merge keys: give it the merged file,
    # which is what docker compose sees)
    parsed = compose_spec.PyCompose.from_yaml(yaml.safe_dump(compose))
    assert sorted(parsed.service_names()) == sorted(compose["services"])
    with pytest.raises(ValueError, match="duration"):  # it does check: a broken copy fails
        broken = yaml.safe_load(yaml.safe_dump(compose))
        broken["services"]["servicebot-1"]["stop_grace_period"] = "10 seconds"
        compose_spec.PyCompose.from_yaml(yaml.safe_dump(broken))


@pytest.mark.skipif(shutil.which("docker") is None, reason="docker is not installed")
def test_compose_file_validates_with_docker_compose(tmp_path):
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip("the docker compose plugin is not installed here")
    env = tmp_path / "servicebot.env"
    env.write_text((DEPLOY / "servicebot.env.example").read_text())
    result = subprocess.run(["docker", "compose", "--env-file", str(env), "-f",
                             str(DEPLOY / "compose.yaml"), "config", "--quiet"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _self_signed(directory: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bot.example.cn")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + timedelta(days=1))
            .sign(key, hashes.SHA256()))
    (directory / "fullchain.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / "privkey.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))


def _nginx() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()),
                                         None)


@pytest.mark.skipif(_nginx() is None, reason="nginx is not installed (apt-get install nginx)")
def test_nginx_accepts_the_configuration(tmp_path):
    # as in the nginx image: the file is included in the http block; the workers' names are
    # resolved at start (compose's network), here they are this host; the certificate is a
    # throwaway one where the real one goes
    _self_signed(tmp_path)
    conf = (DEPLOY / "nginx" / "servicebot.conf").read_text()
    conf = conf.replace("servicebot-1:", "127.0.0.1:").replace("servicebot-2:", "127.0.0.2:")
    conf = conf.replace("/etc/nginx/tls/", f"{tmp_path}/")
    (tmp_path / "servicebot.conf").write_text(conf)
    (tmp_path / "nginx.conf").write_text(
        "events {}\nhttp {\n    include servicebot.conf;\n}\n")
    result = subprocess.run([_nginx(), "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                             "-e", "stderr", "-g", f"pid {tmp_path}/nginx.pid;"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze is not available")
def test_systemd_unit_verifies(tmp_path):
    unit = (DEPLOY / "systemd" / "servicebot@.service").read_text()
    assert "TimeoutStopSec=10" in unit and "KillSignal=SIGTERM" in unit
    # ExecStart must exist to verify: this checkout's servicebot stands in for /opt/servicebot's
    here = Path(sys.executable).parent / "servicebot"
    path = tmp_path / "servicebot@8081.service"
    path.write_text(unit.replace("/opt/servicebot/.venv/bin/servicebot", str(here)))
    result = subprocess.run(["systemd-analyze", "verify", str(path)], capture_output=True,
                            text=True)
    complaints = [line for line in (result.stdout + result.stderr).splitlines()
                  if path.name in line]
    assert result.returncode == 0 and not complaints, complaints


def test_production_settings_load():
    settings = load_settings(DEPLOY / "servicebot.yaml", env={})
    assert settings.http_host == "0.0.0.0" and settings.log_format == "json"
    assert settings.outbox_rate_per_second <= 30 and settings.outbox_per_chat_interval >= 1.0
