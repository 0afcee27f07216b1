"""Build, once in gunicorn's master, what every worker would otherwise build for itself.

With `preload_app`, whatever the master holds when it forks is shared by the workers, page
for page, until one of them writes to it. So the master builds the costly things that are
made lazily on first use — jieba's dictionary (about 60 MB), the mappers, every template,
the locale data and catalogs of both languages — and freezes its objects out of the
garbage collector (gunicorn.conf.py), so a worker's collections do not copy those pages.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal
from flask import Flask
from flask_babel import force_locale, gettext
from sqlalchemy.orm import configure_mappers


def warm_up(app: Flask) -> dict[str, int]:
    from proposals.collection.text import warm_up as build_tokenizer

    build_tokenizer()
    configure_mappers()
    templates = 0
    for name in app.jinja_env.list_templates(filter_func=lambda n: n.endswith(".html")):
        app.jinja_env.get_template(name)
        templates += 1
    with app.test_request_context("/"):
        for locale in app.config["LANGUAGES"]:
            format_date(date(2027, 1, 1), "long", locale=locale)
            format_decimal(1234.5, locale=locale)
            with force_locale(locale):
                gettext("Proposals")
    return {"templates": templates}
