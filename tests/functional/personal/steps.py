"""Browsers for the personal-information tests: signed in through the sign-in page, copied
as a thief of their cookies would, and asked whether they are still signed in."""

from tests.conftest import PASSWORD


def device(app, user, password=PASSWORD):
    """Another browser, signed in as `user` through the sign-in page."""
    browser = app.test_client()
    answer = browser.post("/account/login", data={"username": user.username,
                                                  "password": password})
    assert answer.status_code == 302, answer.text
    return browser


def copy_of(app, client):
    """A browser holding copies of `client`'s cookies."""
    thief = app.test_client()
    for name in ("session", "remember_token"):
        cookie = client.get_cookie(name)
        if cookie is not None:
            thief.set_cookie(name, cookie.value, domain=cookie.domain)
    return thief


def signed_in(browser) -> bool:
    return browser.get("/account/profile").status_code == 200


def delete_account(browser, password=PASSWORD):
    return browser.post("/account/delete", data={"password": password})


def in_english(browser):
    """The browser reads the site in English from now on (the tests compare English words)."""
    browser.get("/lang/en")
    return browser
