"""deploy/nginx/prayat.conf: `nginx -t` accepts it as installed, and its two includes refuse what
they must refuse, on their own: a request from outside Telegram's networks, and, with the secret
file as shipped in the repository (before deploy/install writes the real one), every request."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port
from tests.deploy.nginx_site import (
    ALLOWLIST_INCLUDE,
    DEPLOY,
    SECRET,
    access_log,
    needs_nginx,
    nginx_test,
    render_site,
    running_nginx,
    self_signed,
    write_nginx_conf,
    written_secret,
)

pytestmark = needs_nginx
UPDATE = {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": 9, "type": "private"},
                                      "from": {"id": 9, "is_bot": False, "first_name": "T"}, "text": "/start"}}


def site_in(prefix: Path, secret_conf: Path, **kwargs) -> tuple[Path, int]:
    cert, key = self_signed(prefix)
    port = free_port()
    site = render_site(prefix, https_port=port, http_port=free_port(), webhook_port=free_port(), cert=cert,
                       key=key, secret_conf=secret_conf, **kwargs)
    return write_nginx_conf(prefix, site), port


def test_nginx_accepts_the_site_as_installed(tmp_path):
    conf, _ = site_in(tmp_path, written_secret(tmp_path, SECRET),
                      allowlist=f"include {DEPLOY / 'nginx' / 'telegram-ips.conf'};")
    result = nginx_test(tmp_path, conf)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


@pytest.mark.parametrize("broken", [
    ("client_max_body_size 1m;", "client_max_body_sise 1m;"),  # a typo
    ("ssl_protocols TLSv1.2 TLSv1.3;", "ssl_protocols TLSv1.2 TLSv1.3"),  # a lost semicolon
])
def test_nginx_refuses_a_broken_copy(tmp_path, broken):
    conf, _ = site_in(tmp_path, written_secret(tmp_path, SECRET))
    site = tmp_path / "site.conf"
    assert broken[0] in site.read_text()
    site.write_text(site.read_text().replace(*broken))
    result = nginx_test(tmp_path, conf)
    assert result.returncode != 0
    assert "test failed" in result.stderr


def test_the_secret_file_refuses_an_invalid_secret(tmp_path):
    env = tmp_path / "prayat.env"
    env.write_text("PRAYAT_WEBHOOK_SECRET=has spaces; and more\n")
    result = subprocess.run([str(DEPLOY / "nginx-secret"), str(env), str(tmp_path / "out.conf")],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "PRAYAT_WEBHOOK_SECRET must be" in result.stderr
    assert not (tmp_path / "out.conf").exists()


def post(port: int, cert: Path, secret: str) -> httpx.Response:
    with httpx.Client(verify=str(cert), timeout=10) as http:
        return http.post(f"https://127.0.0.1:{port}/telegram", json=UPDATE,
                         headers={"X-Telegram-Bot-Api-Secret-Token": secret})


def test_a_request_from_outside_telegrams_networks_is_refused(tmp_path):
    # The real allowlist: 127.0.0.1 is not one of Telegram's addresses.
    conf, port = site_in(tmp_path, written_secret(tmp_path, SECRET),
                         allowlist=f"include {DEPLOY / 'nginx' / 'telegram-ips.conf'};")
    assert ALLOWLIST_INCLUDE in (DEPLOY / "nginx" / "prayat.conf").read_text()
    with running_nginx(tmp_path, conf, port):
        refused = post(port, tmp_path / "fullchain.pem", SECRET)
    assert refused.status_code == 403
    assert access_log(tmp_path)[-1].endswith("upstream=-")


def test_the_secret_file_as_shipped_lets_nothing_through(tmp_path):
    conf, port = site_in(tmp_path, DEPLOY / "nginx" / "prayat-secret.conf")
    with running_nginx(tmp_path, conf, port):
        statuses = {post(port, tmp_path / "fullchain.pem", secret).status_code for secret in (SECRET, "", "0", "1")}
    assert statuses == {403}
