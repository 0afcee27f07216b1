"""What gunicorn's master builds before it forks (app/warm.py), so its workers share it."""

from pathlib import Path

from app.warm import warm_up

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_the_master_compiles_every_template_and_builds_the_tokenizer(app):
    from proposals.collection import text

    pages = sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html"))
    built = warm_up(app)
    assert built["templates"] == len(pages) > 50
    cached = {key[1] for key in app.jinja_env.cache}
    assert set(pages) <= cached
    assert text._jieba().initialized
