"""The flask commands a newcomer and an operator use: first admin, demo data, migrations."""

from sqlalchemy import func, select

from app.auth.passwords import verify_password
from proposals.collection.models import Proposal
from proposals.cycles.models import Cycle
from votes.people import User, find_user


def test_create_admin_makes_an_administrator(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "--username", "Chief", "--name", "总管理员",
                                 "--password", "a long admin password"])
    assert result.exit_code == 0, result.output
    admin = find_user(db, "chief")
    assert admin.roles == {"admin", "official"}
    assert verify_password(admin.password_hash, "a long admin password")


def test_create_admin_refuses_a_short_password_and_a_taken_name(app, db, make_user):
    runner = app.test_cli_runner()
    short = runner.invoke(args=["create-admin", "--username", "boss", "--name", "x",
                                "--password", "short"])
    assert short.exit_code != 0 and "at least" in short.output
    weak = runner.invoke(args=["create-admin", "--username", "boss", "--name", "x",
                               "--password", "password1234"])
    assert weak.exit_code != 0 and "easy to guess" in weak.output
    assert find_user(db, "boss") is None
    make_user(username="taken")
    taken = runner.invoke(args=["create-admin", "--username", "taken", "--name", "x",
                                "--password", "a long admin password"])
    assert taken.exit_code != 0 and "username_taken" in taken.output


def test_seed_demo_fills_every_page_and_is_idempotent(app, db, client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = (db.scalar(select(func.count(User.id))), db.scalar(select(func.count(Proposal.id))))
    assert counts[0] >= 100 and counts[1] >= 100
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0
    assert (db.scalar(select(func.count(User.id))),
            db.scalar(select(func.count(Proposal.id)))) == counts
    skipped = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "not loaded" in skipped.output
    stages = set(db.scalars(select(Cycle.stage)))
    assert stages == {"collection", "shortlist", "ballot", "implementation", "evaluation",
                      "closed"}
    home = client.get("/").text
    assert "滨江区民生实事项目" in home
    cycle = db.scalar(select(Cycle).where(Cycle.stage == "closed"))
    total = db.scalar(select(func.count(Proposal.id)).where(Proposal.cycle_id == cycle.id))
    assert f"共收到 {total} 条项目建议" in client.get(f"/cycles/{cycle.id}").text


def test_reindex_rebuilds_search_text_indexed_the_old_way(app, db, propose, resident):
    from sqlalchemy import update

    from proposals.collection.queries import search_clause

    proposal = propose(resident, title="开设四点半课堂", description="放学后孩子无人照看。")
    # As a proposal indexed before 四点半课堂 was a word: cut into fragments.
    db.execute(update(Proposal).where(Proposal.id == proposal.id)
               .values(search_text="开设 四点 半 课堂 放学 后 孩子 无人 照看"))
    db.commit()

    def found() -> list[int]:
        return list(db.scalars(select(Proposal.id).where(search_clause(db, "四点半课堂"))))

    assert found() == []
    result = app.test_cli_runner().invoke(args=["db", "reindex"])
    assert result.exit_code == 0, result.output
    assert "1 proposals re-indexed." in result.output
    db.expire_all()
    assert found() == [proposal.id]
    again = app.test_cli_runner().invoke(args=["db", "reindex"])
    assert "0 proposals re-indexed." in again.output


def test_a_backup_of_the_sqlite_file_restores_with_its_data(tmp_path):
    from sqlalchemy.orm import Session

    from app import create_app
    from app.db import make_engine
    from app.migrate import upgrade
    from tests.conftest import environ_for
    from votes.people import Role, register_user

    url = f"sqlite:///{tmp_path / 'live.db'}"
    upgrade(url)
    live = create_app(environ=environ_for(tmp_path, DATABASE_URL=url))
    with live.app_context():
        from app.db import get_session

        session = get_session()
        register_user(session, username="kept", display_name="备份里的人", password_hash="!",
                      roles=(Role.RESIDENT,))
        session.commit()
    target = tmp_path / "backup.db"
    result = live.test_cli_runner().invoke(args=["db", "backup", str(target)])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "backup.db-wal").exists()  # one self-contained file
    again = live.test_cli_runner().invoke(args=["db", "backup", str(target)])
    assert again.exit_code != 0 and "exists already" in again.output  # never overwritten
    # Restoring is using the file: an app on the copy finds the data.
    restored = make_engine(f"sqlite:///{target}")
    with Session(restored) as session:
        assert find_user(session, "kept").display_name == "备份里的人"
    restored.dispose()


def test_backup_of_postgresql_points_to_pg_dump(app):
    app.config["DATABASE_URL"] = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    result = app.test_cli_runner().invoke(args=["db", "backup", "/tmp/never-written.db"])
    assert result.exit_code != 0 and "pg_dump" in result.output
