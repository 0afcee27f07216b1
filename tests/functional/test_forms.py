"""Forms that help: field-specific messages with a summary, kept drafts, choices, money."""

import ast
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.money import parse_wan, wan_text, wan_to_yuan, yuan
from proposals.collection.models import Proposal
from proposals.cycles.services import advance_cycle
from proposals.shortlist.models import Candidate

ROOT = Path(__file__).resolve().parents[2]
PROPOSAL = {"title": "社区增设老年食堂", "description": "附近没有助餐点，独居老人吃饭难。",
            "category": "elderly_care", "community": "和平社区"}
CANDIDATE = {"title": "和平社区老旧小区加装电梯", "description": "为 6 栋六层住宅加装电梯。",
             "responsible_unit": "区住建委", "estimated_cost": "350",
             "funding_source": "区级财政", "expected_completion": "2027-10-31",
             "location": "长江街道和平社区"}


def summary(page: str) -> str:
    found = re.search(r'<div class="error-summary" role="alert".*?</div>', page, re.S)
    assert found, "the page has no error summary"
    return found.group(0)


@pytest.fixture
def shortlisting(db, cycle, admin, resident, propose):
    """A cycle in its shortlist stage, with two proposals still to decide."""
    made = [propose(resident, title="老旧小区加装电梯"), propose(resident, title="社区食堂")]
    advance_cycle(db, cycle, admin, "shortlist")
    db.commit()
    return made


# --- messages and the summary --------------------------------------------------------------


def test_every_form_derives_from_the_one_base_form():
    for path in sorted((ROOT / "app").rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "flask_wtf":
                names = {alias.name for alias in node.names}
                assert "FlaskForm" not in names or path.name == "forms.py" \
                    and path.parent.name == "app", f"{path} uses flask_wtf.FlaskForm directly"


def test_an_empty_proposal_is_answered_field_by_field_with_a_summary_of_links(
    client, db, login, resident, cycle
):
    login(resident)
    client.get("/lang/en")
    page = client.post(f"/resident/cycles/{cycle.id}/propose",
                       data={**PROPOSAL, "title": "", "category": "", "community": "",
                             "beneficiaries": "many"}).text
    box = summary(page)
    assert 'href="#title">Please fill in “Title”.</a>' in box
    assert 'href="#category">Please choose “Category”.</a>' in box
    assert 'href="#community">Please choose “Community”.</a>' in box
    # A message that does not name its field is given the field's name in the summary;
    # the label's "(estimate, optional)" aside is left out.
    assert 'href="#beneficiaries">People who would benefit: Enter a whole number, e.g. 12.</a>' \
        in box
    assert "This field is required" not in page and "Not a valid integer" not in page
    # Next to each field: its own message, tied to it for screen readers.
    assert '<p class="error" id="title-error">Please fill in “Title”.</p>' in page
    assert 'aria-describedby="title-error title-help"' in page
    # What was typed is kept.
    assert 'value="many"' in page
    assert "附近没有助餐点，独居老人吃饭难。" in page
    assert db.scalar(select(func.count(Proposal.id))) == 0


def test_a_text_over_its_limit_says_the_limit_and_how_much_was_typed(
    client, login, resident, cycle
):
    login(resident)
    client.get("/lang/en")
    form = client.get(f"/resident/cycles/{cycle.id}/propose").text
    assert 'maxlength="80"' in form and "Up to 80 characters" in form  # said before
    assert "js/forms.js" in form
    page = client.post(f"/resident/cycles/{cycle.id}/propose",
                       data={**PROPOSAL, "title": "长" * 245}).text
    assert "At most 80 characters; you typed 245." in summary(page)
    assert f'value="{"长" * 245}"' in page


def test_a_field_without_its_own_limit_help_gets_one(client, db, login, official, cycle,
                                                    shortlisting):
    login(official)
    client.get("/lang/en")
    page = client.get(f"/official/cycles/{cycle.id}/candidates/new").text
    # The candidate's title says nothing of its limit itself; the form says it for it.
    assert re.search(r'id="title-help">Up to 80 characters\.</p>', page)


def test_a_line_break_counts_as_one_character_as_in_the_browser(
    client, db, login, resident, cycle
):
    from proposals.collection.services import DESCRIPTION_MAX

    login(resident)
    # The browser let the person type DESCRIPTION_MAX characters, line breaks as one; it
    # sends each line break as CR LF.
    lines = ["住"] * (DESCRIPTION_MAX // 2)
    text = "\r\n".join(lines)
    assert len(text.replace("\r\n", "\n")) < DESCRIPTION_MAX < len(text)
    response = client.post(f"/resident/cycles/{cycle.id}/propose",
                           data={**PROPOSAL, "description": text})
    assert response.status_code == 302
    assert db.scalar(select(Proposal.description)) == "\n".join(lines)


def test_no_page_without_problems_shows_a_summary(client, login, resident, cycle):
    login(resident)
    assert "error-summary" not in client.get(f"/resident/cycles/{cycle.id}/propose").text


# --- a text too long for the request ---------------------------------------------------------


@pytest.mark.parametrize("multipart", [True, False], ids=["with-photos", "text-only"])
def test_a_huge_text_comes_back_on_its_form_not_as_a_413(
    app, client, db, login, resident, cycle, multipart
):
    """Werkzeug refuses a text over 500 KB by default, before any form can speak; within
    the request limit the text is read and its form says what is wrong, keeping it."""
    login(resident)
    client.get("/lang/en")
    huge = "很长的说明。" * 100_000  # 600,000 characters, 1.8 MB of UTF-8
    assert len(huge.encode()) < app.config["MAX_CONTENT_LENGTH"]
    response = client.post(f"/resident/cycles/{cycle.id}/propose",
                           data={**PROPOSAL, "description": huge},
                           content_type="multipart/form-data" if multipart
                           else "application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert "you typed 600000." in summary(response.text)
    assert huge in response.text  # the draft is on the page, as typed
    assert db.scalar(select(func.count(Proposal.id))) == 0


def test_the_413_page_says_the_draft_is_kept_and_offers_the_way_back(app, client, login,
                                                                    resident, cycle):
    login(resident)
    client.get("/lang/en")
    response = client.post(f"/resident/cycles/{cycle.id}/propose",
                           data={**PROPOSAL, "description": "x" * (
                               app.config["MAX_CONTENT_LENGTH"] + 1)})
    assert response.status_code == 413
    assert "what you typed is still in the form" in response.text
    assert 'data-go-back="Go back to the form"' in response.text


# --- choices ----------------------------------------------------------------------------------


def test_a_category_is_asked_for_not_taken_from_the_first_option(client, db, login, resident,
                                                                 cycle):
    login(resident)
    client.get("/lang/en")
    form = client.get(f"/resident/cycles/{cycle.id}/propose").text
    select_html = re.search(r'<select[^>]*id="category".*?</select>', form, re.S).group(0)
    options = re.findall(r"<option[^>]*>", select_html)
    assert options[0] == '<option value="">'  # — choose — comes first
    assert "— choose —" in select_html and "selected" not in select_html
    assert "required" in select_html.split(">")[0]
    missing = {k: v for k, v in PROPOSAL.items() if k != "category"}
    page = client.post(f"/resident/cycles/{cycle.id}/propose", data=missing).text
    assert "Please choose “Category”." in summary(page)
    assert db.scalar(select(func.count(Proposal.id))) == 0


def test_an_on_behalf_proposal_asks_for_its_channel(client, db, login, official, cycle):
    login(official)
    client.get("/lang/en")
    page = client.post(f"/official/cycles/{cycle.id}/enter",
                       data={**PROPOSAL, "proposer_name": "刘阿姨"}).text
    assert "Please choose “Channel”." in summary(page)
    assert db.scalar(select(func.count(Proposal.id))) == 0


# --- the shortlist's refusal -----------------------------------------------------------------


def test_a_refused_submission_links_to_what_is_pending_and_keeps_the_frame(
    client, db, login, official, cycle, shortlisting
):
    lift, canteen = shortlisting
    login(official)
    client.get("/lang/en")
    url = f"/official/cycles/{cycle.id}/shortlist"
    client.post(url, data={"f-budget": "300", "f-seats": "2", "f-submit": "1"})
    client.post(f"/official/cycles/{cycle.id}/candidates/new",
                data={**CANDIDATE, "proposal_numbers": str(lift.id)})
    page = client.post(url, data={"s-submit": "1", "s-confirm": "y"}).text
    pending = f"/official/cycles/{cycle.id}/screening?status=undecided"
    assert ("The shortlist cannot be submitted yet: 1 proposal still awaits a decision. "
            f'<a href="{pending}">See it in the screening list</a>') in page
    assert f'href="/official/proposals/{canteen.id}/screen">No. {canteen.id} 社区食堂' in page
    # The budget and seats are still in their fields, in 万元.
    assert re.search(r'<input[^>]*id="f-budget"[^>]*value="300"', page)
    assert re.search(r'<input[^>]*id="f-seats"[^>]*value="2"', page)
    db.refresh(cycle)
    assert cycle.shortlist_submitted_at is None
    listed = client.get(pending).text
    assert "社区食堂" in listed and "老旧小区加装电梯" not in listed  # the accepted one is out


def test_a_refused_frame_keeps_what_was_typed(client, db, login, official, cycle, shortlisting):
    login(official)
    client.get("/lang/en")
    page = client.post(f"/official/cycles/{cycle.id}/shortlist",
                       data={"f-budget": "三百", "f-seats": "2", "f-submit": "1"}).text
    assert re.search(r'<input[^>]*id="f-budget"[^>]*value="三百"', page)
    assert "Budget: Enter an amount in 万元, e.g. 350 or 12.5." in summary(page)
    db.refresh(cycle)
    assert cycle.budget is None


# --- money -----------------------------------------------------------------------------------


def test_the_cost_is_typed_in_wan_yuan_kept_in_yuan_and_shown_with_two_decimals(
    client, db, login, official, cycle, shortlisting
):
    login(official)
    client.get("/lang/en")
    url = f"/official/cycles/{cycle.id}/candidates/new"
    form = client.get(url).text
    cost = re.search(r'<input[^>]*id="estimated_cost"[^>]*>', form).group(0)
    assert 'type="number"' in cost and 'step="0.01"' in cost and 'min="0"' in cost
    assert "Estimated cost (万元)" in form and "e.g. 350 for ¥3,500,000" in form
    client.post(url, data={**CANDIDATE, "estimated_cost": "259.7142",
                           "proposal_numbers": str(shortlisting[0].id)})
    candidate = db.scalar(select(Candidate))
    assert candidate.estimated_cost == 2_597_142
    assert "¥2,597,142" in client.get(f"/official/cycles/{cycle.id}/shortlist").text
    client.get("/lang/zh_Hans")
    page = client.get(f"/official/cycles/{cycle.id}/shortlist").text
    assert "259.71 万元" in page and "259.7142" not in page
    # Edited again, the exact amount is in the field and is saved unchanged.
    edit = client.get(f"/official/candidates/{candidate.id}/edit").text
    assert re.search(r'id="estimated_cost"[^>]*value="259.7142"', edit)


@pytest.mark.parametrize(("typed", "said"), [
    ("12.34567", "At most four decimals"),
    ("-5", "Enter an amount greater than 0."),
    ("0", "Enter an amount greater than 0."),
    ("abc", "Enter an amount in 万元, e.g. 350 or 12.5."),
    ("1e999999", "Enter an amount in 万元, e.g. 350 or 12.5."),
    ("", "Please fill in “Estimated cost”."),
])
def test_a_wrong_amount_is_refused_in_words_and_kept(client, db, login, official, cycle,
                                                     shortlisting, typed, said):
    login(official)
    client.get("/lang/en")
    page = client.post(f"/official/cycles/{cycle.id}/candidates/new",
                       data={**CANDIDATE, "estimated_cost": typed}).text
    assert said in summary(page)
    assert re.search(rf'id="estimated_cost"[^>]*value="{re.escape(typed)}"', page) or not typed
    assert db.scalar(select(func.count(Candidate.id))) == 0


def test_spending_may_be_zero_but_not_negative(client, db, login, unit_official, project,
                                               clock):
    login(unit_official)
    client.get("/lang/en")
    url = f"/official/projects/{project.id}/report"
    page = client.post(url, data={"reported_on": "2027-08-01", "body": "开工。",
                                  "spend_to_date": "-1", "milestone_id": "0"}).text
    assert "Spent to date: The amount cannot be negative." in summary(page)
    assert "Spent to date (万元, optional)" in page


def test_the_ballot_cap_is_typed_in_wan_yuan(client, db, login, official, cycle, shortlisting):
    from app.ballots.forms import BallotRulesForm

    with client.application.test_request_context(
            method="POST", data={"budget_cap": "12.5", "title": "票决", "seats": "1",
                                 "method": "YNA", "threshold_base": "entitled",
                                 "majority": "simple", "quorum": "1/2"}):
        form = BallotRulesForm(meta={"csrf": False})
        assert form.validate(), form.errors
        assert form.budget_cap.data == 125_000


@pytest.mark.parametrize(("amount", "chinese", "english"), [
    (None, "—", "—"),
    (0, "0 万元", "¥0"),
    (30, "30 元", "¥30"),
    (50, "0.01 万元", "¥50"),
    (3_500_000, "350 万元", "¥3,500,000"),
    (2_597_142, "259.71 万元", "¥2,597,142"),
    (2_597_150, "259.72 万元", "¥2,597,150"),  # half up
    (2_597_000, "259.7 万元", "¥2,597,000"),
    (12_345_678_900, "1,234,567.89 万元", "¥12,345,678,900"),
    (-1_000_000, "-100 万元", "-¥1,000,000"),
])
def test_an_amount_is_shown_with_at_most_two_decimals(app, amount, chinese, english):
    for lang, expected in (("zh_Hans", chinese), ("en", english)):
        with app.test_request_context(headers={"Accept-Language": lang}):
            from flask import session

            session["lang"] = lang
            assert yuan(amount) == expected, lang


@pytest.mark.parametrize(("typed", "amount"), [
    ("350", 3_500_000), ("259.7142", 2_597_142), ("1,250.5", 12_505_000), ("１２.５", 125_000),
    ("350万元", 3_500_000), ("0.0001", 1), ("0.00001", None),
])
def test_wan_yuan_converts_exactly(typed, amount):
    assert wan_to_yuan(parse_wan(typed)) == amount
    if amount is not None:
        assert wan_to_yuan(parse_wan(wan_text(amount))) == amount


def test_a_row_of_a_list_of_fields_speaks_the_same_words(client, login, unit_official, project):
    from proposals.implementation.services import MILESTONE_TITLE_MAX

    login(unit_official)
    client.get("/lang/en")
    typed = "设" * (MILESTONE_TITLE_MAX + 1)
    page = client.post(f"/official/projects/{project.id}/milestones", data={
        "mode": project.progress_mode, "milestones-0-title": typed,
        "milestones-0-target_date": "2027-07-31", "milestones-0-weight": "1"}).text
    said = f"At most {MILESTONE_TITLE_MAX} characters; you typed {MILESTONE_TITLE_MAX + 1}."
    assert said in summary(page)
    assert 'href="#milestones-0-title"' in summary(page)
