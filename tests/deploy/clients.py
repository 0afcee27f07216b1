"""A visitor of the deployment: its own cookies and loopback address, forms with CSRF."""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter

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

