"""Render deploy/nginx/yishi.conf.template into an nginx site for Yishi (docs/deploy.md).

    .venv/bin/python deploy/render_nginx.py --server-name yishi.example.org \\
        --app 10.0.0.11:8000 --app 10.0.0.12:8000 \\
        --certificate /etc/letsencrypt/live/yishi.example.org/fullchain.pem \\
        --certificate-key /etc/letsencrypt/live/yishi.example.org/privkey.pem \\
        > /etc/nginx/sites-available/yishi

The request size limit is read from app/config.py, so nginx and the app always agree;
tests/deploy renders its nginx with the same function.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx" / "yishi.conf.template"
PLACEHOLDER = re.compile(r"@([a-z_]+)@")
# nginx listens on every address of both IP versions by default; --address narrows it.
ALL_ADDRESSES = ("0.0.0.0", "[::]")  # noqa: S104 - nginx is the public face


def request_limit() -> int:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from app.config import MAX_REQUEST_BYTES

    return MAX_REQUEST_BYTES


def render(*, server_name: str, apps: Sequence[str], certificate: str, certificate_key: str,
           static_root: str = str(ROOT / "static"), http_port: int = 80,
           https_port: int = 443, addresses: Sequence[str] = ALL_ADDRESSES,
           acme_root: str = "/var/www/letsencrypt") -> str:
    if not apps:
        raise ValueError("at least one app server (host:port) is needed")
    indent = "    "
    values = {
        "server_name": server_name,
        "upstream_servers": "\n".join(
            f"{indent}server {app} max_fails=3 fail_timeout=10s;" for app in apps),
        "listen_http": "\n".join(f"{indent}listen {a}:{http_port};" for a in addresses),
        "listen_https": "\n".join(f"{indent}listen {a}:{https_port} ssl http2;"
                                  for a in addresses),
        "https_port_suffix": "" if https_port == 443 else f":{https_port}",
        "certificate": certificate,
        "certificate_key": certificate_key,
        "client_max_body_size": str(request_limit()),
        "static_root": str(static_root).rstrip("/"),
        "acme_root": acme_root,
    }
    template = TEMPLATE.read_text(encoding="utf-8")
    unknown = set(PLACEHOLDER.findall(template)) - set(values)
    if unknown:
        raise ValueError(f"the template names values the renderer lacks: {sorted(unknown)}")
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server-name", required=True, help="the site's DNS name(s)")
    parser.add_argument("--app", action="append", required=True, metavar="HOST:PORT",
                        help="an app server (gunicorn's YISHI_BIND); give two or more")
    parser.add_argument("--certificate", required=True, help="the full chain, PEM")
    parser.add_argument("--certificate-key", required=True, help="its private key, PEM")
    parser.add_argument("--static-root", default=str(ROOT / "static"),
                        help="the checkout's static/ folder (default: this checkout's)")
    parser.add_argument("--http-port", type=int, default=80)
    parser.add_argument("--https-port", type=int, default=443)
    parser.add_argument("--address", action="append", metavar="ADDRESS",
                        help="an address to listen on (default: every IPv4 and IPv6 one)")
    parser.add_argument("--acme-root", default="/var/www/letsencrypt",
                        help="where certbot --webroot writes its challenges")
    args = parser.parse_args(argv)
    sys.stdout.write(render(
        server_name=args.server_name, apps=args.app, certificate=args.certificate,
        certificate_key=args.certificate_key, static_root=args.static_root,
        http_port=args.http_port, https_port=args.https_port,
        addresses=args.address or ALL_ADDRESSES, acme_root=args.acme_root))


if __name__ == "__main__":
    main()
