"""Browsing, filtering, sorting, Chinese search, similar titles, bulk import, hot topics."""

import io
import json

import openpyxl
from sqlalchemy import func, select

from proposals.collection.models import Proposal
from proposals.collection.services import cosign
from tests.functional.builders import community_place
from votes.people import Role


def test_search_for_jiazhuang_dianti_finds_the_lift_proposal(client, resident, propose):
    propose(resident, title="老旧小区加装电梯", description="六层楼没有电梯。")
    propose(resident, title="建议在小区里加装一部电梯", description="方便老人。")
    propose(resident, title="社区食堂建设", description="老人吃饭难。", category="elderly_care")
    page = client.get("/proposals", query_string={"q": "加装电梯"}).text
    assert "老旧小区加装电梯" in page and "建议在小区里加装一部电梯" in page
    assert "社区食堂建设" not in page
    assert "找到 2 条建议" in page
    none = client.get("/proposals", query_string={"q": "游泳池"}).text
    assert "没有符合条件的建议" in none


def test_hostile_search_input_is_harmless(client, resident, propose):
    propose(resident)
    for q in ['"a" OR b*) NEAR(', "'; DROP TABLE proposals; --", "***", "电梯\" OR \"1"]:
        assert client.get("/proposals", query_string={"q": q}).status_code == 200


def test_filters_and_sorting(client, db, make_user, resident, official, propose):
    lift = propose(resident, title="老旧小区加装电梯", category="housing", community="和平社区")
    canteen = propose(resident, title="社区食堂建设", category="elderly_care",
                      community="幸福社区")
    from proposals.collection.services import ProposalDraft, submit_proposal

    submit_proposal(db, official, lift.cycle, ProposalDraft(
        title="路灯维修", description="路灯坏了。", category="public_safety",
        community="和平社区", channel="hotline", proposer_name="刘阿姨"))
    for _ in range(2):
        cosign(db, make_user(Role.RESIDENT), canteen)
    db.commit()
    by_category = client.get("/proposals", query_string={"category": "elderly_care"}).text
    assert "社区食堂建设" in by_category and "老旧小区加装电梯" not in by_category
    by_place = client.get("/proposals", query_string={"community": "和平社区"}).text
    assert "老旧小区加装电梯" in by_place and "社区食堂建设" not in by_place
    by_channel = client.get("/proposals", query_string={"channel": "hotline"}).text
    assert "路灯维修" in by_channel and "社区食堂建设" not in by_channel
    by_status = client.get("/proposals", query_string={"status": "declined"}).text
    assert "没有符合条件的建议" in by_status
    most = client.get("/proposals", query_string={"sort": "cosigns"}).text
    assert most.index("社区食堂建设") < most.index("老旧小区加装电梯")


def test_the_list_is_paginated(client, resident, propose):
    for i in range(25):
        propose(resident, title=f"第{i:02d}号建议")
    first = client.get("/proposals").text
    assert "第24号建议" in first and "第04号建议" not in first and "第 1 页，共 2 页" in first
    second = client.get("/proposals", query_string={"page": 2}).text
    assert "第04号建议" in second and "第24号建议" not in second
    assert "第 2 页，共 2 页" in client.get("/proposals?page=99").text


def test_similar_titles_are_suggested_while_typing(client, resident, propose, cycle):
    original = propose(resident, title="老旧小区加装电梯")
    propose(resident, title="社区食堂建设")
    found = json.loads(client.get("/proposals/similar", query_string={
        "title": "为老旧小区加装电梯的建议", "cycle": cycle.id}).text)
    assert [item["id"] for item in found] == [original.id]
    assert found[0]["url"] == f"/proposals/{original.id}"
    assert json.loads(client.get("/proposals/similar?title=a").text) == []


CSV_HEADER = "标题,描述,类别,街道,社区,受益人数,渠道,反映人,日期\n"


def upload(client, cycle, name, data: bytes):
    return client.post(f"/official/cycles/{cycle.id}/import",
                       data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def test_a_valid_csv_import_enters_every_row(client, db, login, official, cycle):
    home, happy = community_place(db, "和平社区"), community_place(db, "幸福社区")
    db.commit()
    login(official)
    body = CSV_HEADER + (
        "小区路灯不亮,晚上出行不安全,公共安全,长江街道,和平社区,500,12345热线,刘阿姨,2026-11-05\n"
        "菜市场缺快检,希望设食品快检室,食品安全,长江街道,幸福社区,,走访,王大爷,\n")
    page = upload(client, cycle, "hotline.csv", body.encode("utf-8-sig"))
    assert "已导入 2 条建议" in page.text
    rows = db.execute(select(Proposal.title, Proposal.channel, Proposal.entered_by_id)
                      .order_by(Proposal.id)).all()
    assert rows == [("小区路灯不亮", "hotline", official.id),
                    ("菜市场缺快检", "visit", official.id)]
    # Each points at its community's record; the names beside the key come from it.
    assert db.execute(select(Proposal.place_id, Proposal.district, Proposal.street,
                             Proposal.community).order_by(Proposal.id)).all() == [
        (home.id, "测试区", "长江街道", "和平社区"), (happy.id, "测试区", "长江街道", "幸福社区")]


def test_an_import_naming_a_community_not_on_the_list_reports_the_row(client, db, login,
                                                                       official, cycle):
    community_place(db, "和平社区")
    db.commit()
    login(official)
    body = CSV_HEADER + (
        "小区路灯不亮,晚上出行不安全,公共安全,长江街道,和平社区,500,12345热线,刘阿姨,\n"
        "菜市场缺快检,希望设食品快检室,食品安全,长江街道,月亮社区,,走访,王大爷,\n"
        "公园缺座椅,老人走累了没处坐,文化体育,黄河街道,和平社区,,走访,孙阿姨,\n")
    client.get("/lang/en")
    page = upload(client, cycle, "calls.csv", body.encode("utf-8")).text
    assert "Nothing was imported" in page
    assert ('<td data-label="Row">3</td><td data-label="Column">社区</td>'
            '<td data-label="Problem">No community of this name or code is on the list of '
            'places') in page
    assert "月亮社区" in page
    assert '<td data-label="Row">4</td><td data-label="Column">街道</td>' in page
    assert "和平社区 is in 长江街道 on the list of places, not in 黄河街道" in page
    assert db.scalar(select(func.count(Proposal.id))) == 0


def test_an_import_names_a_community_by_its_code_and_may_leave_the_street_out(
        client, db, login, official, cycle):
    home = community_place(db, "和平社区")
    db.commit()
    login(official)
    body = ("标题,描述,类别,社区,渠道,反映人\n"
            f"小区路灯不亮,晚上出行不安全,公共安全,{home.code},12345热线,刘阿姨\n")
    assert "已导入 1 条建议" in upload(client, cycle, "calls.csv", body.encode("utf-8")).text
    assert db.execute(select(Proposal.place_id, Proposal.street, Proposal.community)).one() \
        == (home.id, "长江街道", "和平社区")


def test_an_import_with_bad_rows_imports_nothing_and_reports_each_row(client, db, login,
                                                                      official, cycle):
    login(official)
    body = CSV_HEADER + (
        "小区路灯不亮,晚上出行不安全,公共安全,长江街道,和平社区,500,12345热线,刘阿姨,2026-11-05"
        "\n,没有标题,公共安全,长江街道,和平社区,,走访,王大爷,\n"
        "停车难,车位不够,停车,长江街道,和平社区,-3,网上征集,李先生,明天\n")
    page = upload(client, cycle, "bad.csv", body.encode("utf-8")).text
    assert "未导入任何数据" in page
    assert "此单元格为必填项，但为空。" in page  # row 3, 标题
    assert "未知的类别" in page  # row 4, 停车
    assert "只能导入 12345 热线和走访记录" in page
    assert '<td data-label="行">3</td><td data-label="列">标题</td>' in page
    assert db.scalar(select(func.count(Proposal.id))) == 0


def test_an_xlsx_import_works_and_a_wrong_file_type_is_refused(client, db, login, official,
                                                               cycle):
    community_place(db, "光明社区", "黄河街道")
    db.commit()
    login(official)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["标题", "描述", "类别", "街道", "社区", "受益人数", "渠道", "反映人", "日期"])
    sheet.append(["公园增设健身器材", "老人锻炼缺器材", "文化体育", "黄河街道", "光明社区",
                  1200.0, "走访", "孙阿姨", None])
    buffer = io.BytesIO()
    book.save(buffer)
    assert "已导入 1 条建议" in upload(client, cycle, "visits.xlsx", buffer.getvalue()).text
    assert db.scalar(select(Proposal.beneficiaries)) == 1200
    refused = upload(client, cycle, "notes.pdf", b"%PDF-1.4 ...").text
    assert "不是 CSV 或 XLSX 文件" in refused
    assert db.scalar(select(func.count(Proposal.id))) == 1


def test_the_import_template_downloads_with_chinese_headers(client, login, official):
    login(official)
    response = client.get("/official/import-template.csv")
    assert response.data.startswith("\ufeff".encode())  # Excel reads UTF-8 with a BOM
    assert "标题" in response.data.decode("utf-8-sig")


def test_hot_topics_show_charts_and_the_same_numbers_in_tables(client, resident, propose):
    for i in range(3):
        propose(resident, title=f"加装电梯{i}", category="housing")
    propose(resident, title="社区食堂", category="elderly_care")
    page = client.get("/hot-topics").text
    assert page.count('class="chart"') == 4
    assert '<th scope="row">住房与老旧小区改造</th><td class="num">3</td>' in page
    assert '<th scope="row">养老服务</th><td class="num">1</td>' in page
    data = page.split('id="chart-categories-data">')[1].split("</script>")[0]
    trace = json.loads(data)["data"][0]
    counts = dict(zip(trace["y"], trace["x"], strict=True))  # horizontal bars
    assert counts == {"住房与老旧小区改造": 3, "养老服务": 1}
    assert "plotly.min.js" in page and "<script>" not in page


def test_frequent_terms_leave_out_place_names(db, resident, propose, cycle):
    from proposals.collection.insights import frequent_terms

    for community in ("和平社区", "幸福社区", "光明社区"):
        propose(resident, title=f"{community}加装电梯", community=community)
    propose(resident, title="和平社区充电桩", community="和平社区")
    terms = dict(frequent_terms(db, cycle.id))
    assert terms["加装电梯"] == 3 and terms["充电桩"] == 1
    assert not {"和平", "社区", "和平社区", "幸福"} & set(terms)


def test_open_data_csv_defuses_formulas_in_titles(client, resident, propose):
    propose(resident, title='=HYPERLINK("http://evil.example","点我")')
    text = client.get("/data/proposals.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text
    assert '\n=HYPERLINK' not in text and ',=HYPERLINK' not in text
