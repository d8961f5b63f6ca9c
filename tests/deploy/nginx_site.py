"""deploy/nginx/prayat.conf as an operator installs it, rendered for a throwaway nginx on loopback:
the same site, with this machine's ports, a test certificate and files in a temporary prefix."""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# `make test` installs nginx (scripts/ensure-nginx); a checkout without it skips these tests.
needs_nginx = pytest.mark.skipif(not Path(NGINX).exists(),
                                 reason="nginx is not installed (scripts/ensure-nginx)")
SECRET = "S3cret_token-for-tests"
SITE = DEPLOY / "nginx" / "prayat.conf"
SECRET_INCLUDE = "include /etc/nginx/prayat/prayat-secret.conf;"
ALLOWLIST_INCLUDE = "include /etc/nginx/prayat/telegram-ips.conf;"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key (what certbot puts in
    /etc/letsencrypt/live/<name>/ on the server)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def render_site(prefix: Path, *, https_port: int, http_port: int, webhook_port: int, cert: Path, key: Path,
                secret_conf: Path, allowlist: str = "allow 127.0.0.1;") -> str:
    """The site with only what differs on this machine changed. Each string replaced must be in
    the file: a site that changes shape fails here rather than being tested half-rendered."""
    site = SITE.read_text()
    changes = {
        SECRET_INCLUDE: f"include {secret_conf};",
        ALLOWLIST_INCLUDE: allowlist,
        "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
        "listen [::]:443 ssl;": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "/etc/letsencrypt/live/bot.example.org/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/bot.example.org/privkey.pem": str(key),
        "proxy_pass http://127.0.0.1:8443/telegram;": f"proxy_pass http://127.0.0.1:{webhook_port}/telegram;",
        "/var/log/nginx/prayat.access.log": str(prefix / "access.log"),
        "root /var/www/letsencrypt;": f"root {prefix / 'acme'};",
    }
    for old, new in changes.items():
        assert old in site, f"deploy/nginx/prayat.conf has no {old!r} any more: update this test"
        site = site.replace(old, new)
    return site


def write_nginx_conf(prefix: Path, site: str) -> Path:
    """A whole nginx.conf around the site, everything nginx writes kept in `prefix`. `user root;`
    only as root: nginx's workers would otherwise run as nobody, who cannot read the prefix."""
    for folder in ("acme", "temp"):
        (prefix / folder).mkdir(parents=True, exist_ok=True)
    (prefix / "site.conf").write_text(site)
    temp = "".join(f"    {kind}_temp_path {prefix / 'temp' / kind};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = prefix / "nginx.conf"
    conf.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\nworker_processes 1;\npid {prefix / 'nginx.pid'};\nerror_log {prefix / 'error.log'};\n"
        + "events {\n    worker_connections 64;\n}\n"
        + f"http {{\n{temp}    access_log {prefix / 'other-access.log'};\n    include {prefix / 'site.conf'};\n}}\n")
    return conf


def nginx_test(prefix: Path, conf: Path) -> subprocess.CompletedProcess[str]:
    """`nginx -t`, as the operator runs it after installing the site."""
    return subprocess.run([NGINX, "-t", "-p", str(prefix), "-c", str(conf)], capture_output=True, text=True,
                          timeout=30)


def _accepts(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def running_nginx(prefix: Path, conf: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """nginx in the foreground on the rendered configuration; stopped (this process only) after."""
    process = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(conf)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not _accepts(port):
            error_log = prefix / "error.log"
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("nginx did not start: " + (error_log.read_text() if error_log.exists() else ""))
            time.sleep(0.02)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def access_log(prefix: Path) -> list[str]:
    path = prefix / "access.log"
    return path.read_text().splitlines() if path.exists() else []


def written_secret(folder: Path, secret: str) -> Path:
    """nginx's copy of the secret, written by deploy/nginx-secret from an env file, as
    deploy/install writes it."""
    env = folder / "prayat.env"
    env.write_text(f"TELEGRAM_BOT_TOKEN=123:abc\nPRAYAT_WEBHOOK_SECRET={secret}\n")
    out = folder / "prayat-secret.conf"
    subprocess.run([str(DEPLOY / "nginx-secret"), str(env), str(out)], check=True, timeout=30)
    assert out.stat().st_mode & 0o777 == 0o600
    return out
