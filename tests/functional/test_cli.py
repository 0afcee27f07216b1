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
