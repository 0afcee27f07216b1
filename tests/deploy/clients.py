"""A visitor of the deployment: its own cookies and loopback address, forms with CSRF."""

from __future__ import annotations

import io
import re

import requests
from PIL import Image
from requests.adapters import HTTPAdapter
from sqlalchemy import text

from tests.conftest import csrf_token
from tests.deploy.conftest import DEMO_PASSWORD, Deployment, Site

LOGIN = "/account/login"


class FromAddress(HTTPAdapter):
    """Connections from one loopback address (127.0.0.0/8 is all the loopback interface),
    so nginx sees this visitor as its own client ($remote_addr)."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Visitor:
    def __init__(self, deployment: Deployment):
        self.deployment = deployment
        self.address = deployment.next_address()
        self.http = requests.Session()
        # Not the environment's CA bundle or proxies: this certificate, straight to loopback.
        self.http.trust_env = False
        self.http.verify = str(deployment.certificate)
        adapter = FromAddress(self.address)
        self.http.mount("http://", adapter)
        self.http.mount("https://", adapter)

    def _headers(self, site: Site, extra: dict | None, referer: str | None) -> dict:
        headers = {"Accept-Language": "zh-CN", **(extra or {})}
        if site.direct:  # what nginx adds in front of an app server
            headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": self.address})
        if referer is not None:
            headers["Referer"] = site.origin + referer
        return headers

    def _kept(self, response: requests.Response) -> requests.Response:
        """Production cookies are Secure. This visitor also speaks to one app server
        directly, in plain HTTP on loopback as nginx does: its cookies must go along."""
        for cookie in self.http.cookies:
            cookie.secure = False
        return response

    def get(self, site: Site, path: str, headers: dict | None = None) -> requests.Response:
        return self._kept(self.http.get(
            site.base + path, headers=self._headers(site, headers, None),
            allow_redirects=False, timeout=30))

    def post(self, site: Site, path: str, data: dict, *, form: str | None = None,
             files=None, headers: dict | None = None) -> requests.Response:
        """A form sent as a browser sends it: with the page it came from as the Referer
        (the CSRF check on HTTPS compares it with the host)."""
        return self._kept(self.http.post(
            site.base + path, data=data, files=files,
            headers=self._headers(site, headers, form or path), allow_redirects=False,
            timeout=60))

    def csrf(self, site: Site, path: str) -> str:
        page = self.get(site, path)
        assert page.status_code == 200, (path, page.status_code)
        return csrf_token(page.text)

    def sign_in(self, site: Site, username: str, password: str = DEMO_PASSWORD,
                headers: dict | None = None) -> requests.Response:
        token = self.csrf(site, LOGIN)
        return self.post(site, LOGIN, {"csrf_token": token, "username": username,
                                       "password": password}, headers=headers)



def facts(deployment: Deployment, sql: str, **params):
    """One row read straight from the deployment's database."""
    with deployment.engine.connect() as conn:
        return conn.execute(text(sql), params).one()


def photo_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 40)).save(out, format="PNG")
    return out.getvalue()


def propose_with_photo(resident: Visitor, site: Site, title: str) -> str:
    """A signed-in resident proposes, with one photo, in the collecting district cycle;
    returns the new proposal's path."""
    (cycle_id,) = facts(resident.deployment, "SELECT c.id FROM cycles c JOIN assemblies a"
                        " ON a.id = c.assembly_id WHERE c.stage = 'collection'"
                        " AND a.kind = 'congress'")
    form = f"/resident/cycles/{cycle_id}/propose"
    sent = resident.post(site, form, {
        "csrf_token": resident.csrf(site, form), "title": title,
        "description": "早晚高峰行人过街困难，建议加装行人信号灯。", "category": "transport",
        "district": "滨江区", "street": "长江街道", "community": "和平社区",
    }, files=[("photos", ("crossing.png", photo_bytes(), "image/png"))])
    assert sent.status_code == 302, sent.text[:2000]
    path = sent.headers["Location"]
    assert re.fullmatch(r"/proposals/\d+", path), path
    return path
