"""Two app servers behind nginx share what they must: photos, fresh pages, sign-in limits.

Requests go through nginx over HTTPS, or straight to one app server (A or B) where the test
must choose which one serves it, with the headers nginx would add.
"""

from __future__ import annotations

import io
import json
import re
import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from app.config import MAX_REQUEST_BYTES
from tests.deploy.clients import LOGIN, Visitor, facts, propose_with_photo
from tests.deploy.conftest import ROOT

pytestmark = pytest.mark.deploy


def test_a_photo_uploaded_through_one_server_is_served_by_the_other(deployment):
    a, b = (s.site for s in deployment.servers)
    resident = Visitor(deployment)
    assert resident.sign_in(deployment.nginx, "resident01").status_code == 302
    title = f"部署测试：滨江路口加装信号灯{secrets.token_hex(3)}"
    proposal_path = propose_with_photo(resident, a, title)

    reader = Visitor(deployment)
    page = reader.get(b, proposal_path)
    assert page.status_code == 200 and title in page.text
    keys = re.findall(r'src="/photos/([^"]+)"', page.text)
    assert len(keys) == 1
    from_b = reader.get(b, f"/photos/{keys[0]}")
    assert from_b.status_code == 200
    assert from_b.headers["Content-Type"].startswith("image/")
    with Image.open(io.BytesIO(from_b.content)) as shown:
        assert shown.size == (64, 48)
    assert reader.get(a, f"/photos/{keys[0]}").content == from_b.content
    assert reader.get(deployment.nginx, f"/photos/{keys[0]}").content == from_b.content


def test_a_progress_report_published_through_one_server_is_fresh_on_the_other(deployment):
    a, b = (s.site for s in deployment.servers)
    (official_id,) = facts(deployment, "SELECT id FROM users WHERE username = 'official1'")
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    (project_id,) = facts(
        deployment, "SELECT p.id FROM projects p WHERE p.lead_official_id = :official"
        " AND p.completed_on IS NULL AND NOT EXISTS (SELECT 1 FROM progress_reports r"
        " WHERE r.project_id = p.id AND r.reported_on > :today) ORDER BY p.id LIMIT 1",
        official=official_id, today=today)
    official = Visitor(deployment)
    assert official.sign_in(deployment.nginx, "official1").status_code == 302
    form, page = f"/official/projects/{project_id}/report", f"/projects/{project_id}"
    reader = Visitor(deployment)  # not signed in: the readers a page cache serves
    for round_ in range(3):
        # B renders the page before the write (twice, for each of its workers to have it),
        # so a copy kept anywhere on B would be caught being served after it.
        before = [reader.get(b, page) for _ in range(2)][-1]
        assert before.status_code == 200
        body = f"第{round_ + 1}次部署测试进展：{secrets.token_hex(4)}"
        assert body not in before.text
        sent = official.post(a, form, {
            "csrf_token": official.csrf(a, form), "reported_on": today.isoformat(),
            "body": body, "milestone_id": "0"})
        assert sent.status_code == 302, sent.text[:2000]

        for after in [reader.get(b, page) for _ in range(2)]:
            assert after.status_code == 200 and body in after.text
        old_tag = before.headers.get("ETag")
        if old_tag:  # a browser revalidating its old copy gets the new page, not a 304
            assert after.headers.get("ETag") != old_tag
            again = reader.get(b, page, headers={"If-None-Match": old_tag})
            assert again.status_code == 200 and body in again.text
        for _ in range(2):  # and through nginx, from either server
            through = reader.get(deployment.nginx, page)
            assert through.status_code == 200 and body in through.text


def attempts_logged(server, since: int) -> list[int]:
    """The statuses of sign-in attempts (POSTs) in a server's request log after a line."""
    found = []
    for line in server.log_lines()[since:]:
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("endpoint") == "auth.login" and record.get("method") == "POST":
                found.append(record["status"])
    return found


def test_the_sign_in_limit_counts_across_both_servers_per_client_address(deployment):
    marks = [len(s.log_lines()) for s in deployment.servers]
    guesser = Visitor(deployment)
    token = guesser.csrf(deployment.nginx, LOGIN)  # one form, so the POSTs alternate
    statuses = [
        guesser.post(deployment.nginx, LOGIN, {
            "csrf_token": token, "username": "resident07", "password": f"guess-{i}"},
            # A client's own X-Forwarded-For does not make it someone else.
            headers={"X-Forwarded-For": f"203.0.113.{i + 1}"}).status_code
        for i in range(6)]
    assert statuses == [200] * 5 + [429]  # 5 per minute in all, not 5 per server
    assert guesser.sign_in(deployment.nginx, "resident07").status_code == 429

    seen = [attempts_logged(s, mark) for s, mark in zip(deployment.servers, marks, strict=True)]
    assert all(len(each) >= 3 for each in seen), seen  # nginx sent them to both servers
    refusing = next(each for each in seen if 429 in each)
    assert refusing.count(200) < 5  # that server refused before it had seen five itself

    neighbour = Visitor(deployment)  # another address, the same account
    assert neighbour.sign_in(deployment.nginx, "resident07", "wrong").status_code == 200
    assert neighbour.sign_in(deployment.nginx, "resident07").status_code == 302


def test_readiness_the_redirect_to_https_and_static_files_through_nginx(deployment):
    visitor = Visitor(deployment)
    ready = visitor.get(deployment.nginx, "/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "ok", "redis": "ok"}
    for server in deployment.servers:
        assert visitor.get(server.site, "/readyz").json()["redis"] == "ok"

    plain = visitor.http.get(deployment.http_base + "/proposals?page=2", allow_redirects=False,
                             timeout=10)
    assert plain.status_code == 301
    assert plain.headers["Location"] == deployment.nginx.base + "/proposals?page=2"
    assert visitor.http.get(plain.headers["Location"], timeout=30).status_code == 200

    style = visitor.get(deployment.nginx, "/static/css/yishi.css")
    assert style.status_code == 200 and "X-Request-Id" not in style.headers  # nginx's own
    assert style.content == (ROOT / "static" / "css" / "yishi.css").read_bytes()
    assert style.headers["X-Content-Type-Options"] == "nosniff"


def test_nginx_takes_requests_as_large_as_the_app_does(deployment):
    conf = deployment.site_conf.read_text()
    assert f"client_max_body_size {MAX_REQUEST_BYTES};" in conf
    assert not re.search(r"@[a-z_]+@", conf)  # every placeholder filled in
