"""The browser view in process (FastAPI's TestClient): every page, escaping, the URL, errors."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from builders import shipped_size
from click.testing import CliRunner
from fastapi.testclient import TestClient

from benchmarks.browser import shipped_store
from treaty_ledger.cli.http_api import create_app
from treaty_ledger.cli.main import main
from treaty_ledger.cli.web.regime import short_title
from treaty_ledger.cli.web.statuses import ACTOR_STATUSES, css_class, stylesheet
from treaty_ledger.cli.web.svg import status_chart
from treaty_ledger.ledger.integrity.checkpoints import Checkpoint
from treaty_ledger.ledger.records import parse_lines
from treaty_ledger.ledger.services.importer import append_records
from treaty_ledger.ledger.store.application import Ledger

MARKUP = "<script>alert('record')</script><b>bold</b> & more"


SHIPPED = shipped_size()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("web") / "ledger.db"
    shipped_store(path)
    act = {"record": "act", "id": "test.markup", "type": "doctrinal-statement",
           "date": "2020-01-01", "actors": ["RUS"], "summary": MARKUP,
           "sources": [{"title": "<i>a title</i>", "publisher": "p", "date": "2020",
                        "url": "https://example.org/?a=\"onmouseover=x"}]}  # fmt: skip
    with Ledger(str(path)) as ledger:
        append_records(ledger, parse_lines([json.dumps(act).encode()], "markup.jsonl"))
    return str(path)


@pytest.fixture(scope="module")
def client(store):
    return TestClient(create_app(store))


def test_the_regime_on_2014_03(client):
    page = client.get("/", params={"as_of": "2014-03"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    cfe = _row(page.text, "instrument-cfe-1990")
    assert re.search(r'data-status="suspended">.*?suspended \(\d+\):.*?>RUS</a>', cfe, re.S)
    assert 'id="claims"' in page.text and ">Crimea</th>" in page.text
    assert ">Sevastopol</th>" in page.text
    assert 'value="2014-03"' in page.text  # the day stays in the form
    assert 'href="/view/actor/RUS?as_of=2014-03"' in page.text  # and in every link


def test_the_regime_says_which_acts_are_indeterminate(client):
    page = client.get("/", params={"as_of": "1996-04-15"}).text
    section = page[page.index('id="indeterminate"') :]
    assert "helsinki-final-act-1975.and.acceptance" in section
    assert "neither applied nor dropped" in section


def test_known_at_answers_as_the_ledger_knew_it(client):
    later = client.get("/", params={"as_of": "2022-10-01"}).text
    earlier = client.get("/", params={"as_of": "2022-10-01", "known_at": "@160"}).text
    assert ">Kherson" in later and ">Kherson" not in earlier
    assert '<strong id="log-size">160</strong>' in earlier
    assert "known_at=%40160" in earlier  # links keep the moment


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/view/instrument/cfe-1990?as_of=2014-03", "cfe-1990.rus.suspension"),
        ("/view/instrument/open-skies-1992?as_of=2021-12", "<svg"),
        ("/view/actor/RUS?as_of=2014-03", "Memberships over time"),
        ("/view/actor/NATO?as_of=2024-06", "Members on the day (32)"),
        ("/view/act/cfe-1990.rus.suspension", "Every version, in record order (1)"),
        ("/view/compare?from=2021-12&to=2022-03", "What changed from the close of 2021-12-31"),
        ("/view/search?q=crimea", "crimea-accession-treaty-2014"),
        ("/view/search?q=", "Type an act id"),
        ("/docs", "/static-docs/swagger-ui-bundle.js"),
        ("/redoc", "/static-docs/redoc.standalone.js"),
    ],
)
def test_each_page_answers(client, path, expected):
    page = client.get(path)
    assert page.status_code == 200 and expected in page.text
    if path.startswith("/view"):
        assert re.search(r'<code id="root-hash">[0-9a-f]{64}</code>', page.text)


def test_every_page_names_the_log_size_and_root_it_came_from(client):
    api = client.get("/replay", params={"as_of": "2014-03"}).json()
    for path in ("/?as_of=2014-03", "/view/actor/RUS?as_of=2014-03", "/view/search?q=inf"):
        text = client.get(path).text
        assert f'<code id="root-hash">{api["root_hash"]}</code>' in text
        assert f'<strong id="log-size">{api["log_size"]}</strong>' in text


def test_the_instrument_page_shows_provisions_bound_and_sources(client):
    text = client.get("/view/instrument/open-skies-1992", params={"as_of": "2021-12"}).text
    assert "Provisions, and whom each binds on 2021-12-31" in text
    assert 'rel="noreferrer noopener external"' in text
    provisions = text[text.index("provisions-title") : text.index("actors-title")]
    assert ">DEU</a>" in provisions and ">RUS</a>" not in provisions


def test_the_compare_page_names_the_act_of_each_change(client):
    text = client.get("/view/compare", params={"from": "2007", "to": "2024"}).text
    assert "cfe-1990.rus.denunciation" in text and "cfe-1990.usa.suspension" in text
    assert "suspended since 2007-12-12" in text  # RUS: before, then withdrawn
    cfe = client.get(
        "/view/compare", params={"from": "2007", "to": "2024", "instrument": "cfe-1990"}
    )
    assert "cfe-1990.rus.denunciation" in cfe.text and "inf-1987" not in cfe.text


def test_text_from_the_record_is_escaped(client):
    act = client.get("/view/act/test.markup").text
    assert "<script>alert" not in act and "<b>bold</b>" not in act
    assert (
        "&lt;script&gt;alert(&#39;record&#39;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt; &amp; more"
        in act
    )
    assert "&lt;i&gt;a title&lt;/i&gt;" in act
    found = client.get("/view/search", params={"q": "<b>bold"}).text
    assert "<b>bold</b>" not in found and "&lt;b&gt;bold" in found


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/?as_of=2014-13", 400, "as_of: &#39;2014-13&#39; is not a valid date: month 13"),
        ("/?as_of=yesterday", 400, "give the day as YYYY, YYYY-MM or YYYY-MM-DD"),
        ("/?as_of=2014&known_at=@999", 400, f"the log has only {SHIPPED + 1} entries"),
        ("/?as_of=2014&known_at=2999-01-01", 400, "it is in the future"),
        ("/?known_at=soon", 400, "known_at: &#39;soon&#39; is not a valid date"),
        ("/view/instrument/cfe-1991", 404, "no instrument &#39;cfe-1991&#39;"),
        ("/view/actor/rus", 400, "&#39;rus&#39; is not an actor code"),
        ("/view/act/none", 404, "no act &#39;none&#39;"),
        ("/view/compare?from=2022&to=2021", 400, "must be after from"),
        ("/view/compare?from=2022-02-30&to=2023", 400, "from: &#39;2022-02-30&#39;"),
        ("/view/compare?from=2022&to=2023&instrument=cfe-1991", 404, "no instrument"),
        ("/view/act/cfe-1990.rus.suspension/proof.json", 404, "no checkpoint is configured"),
        ("/view/nothing/here", 404, "no page /view/nothing/here"),
        ("/?as_of=2014&asof=2015", 400, "unknown query parameter &#39;asof&#39;; this page takes"),
        ("/?as_of=2014&as_of=2015", 400, "&#39;as_of&#39; is given 2 times; give it once"),
        ("/view/actor/RUS?q=x", 400, "unknown query parameter &#39;q&#39;"),
        ("/view/compare?from=2021&to=2022&to=2023", 400, "&#39;to&#39; is given 2 times"),
    ],
)
def test_bad_parameters_get_an_error_page_never_a_traceback(client, path, status, message):
    page = client.get(path)
    assert page.status_code == status and page.headers["content-type"].startswith("text/html")
    assert message in page.text and "Traceback" not in page.text
    assert 'role="alert"' in page.text


def test_the_json_api_is_unchanged_and_documents_no_page(client):
    assert client.get("/nowhere").json() == {"error": "Not Found"}
    paths = client.get("/openapi.json").json()["paths"]
    assert "/replay" in paths and not any(p == "/" or p.startswith("/view") for p in paths)


def test_the_api_docs_fetch_nothing_from_the_internet(client):
    for page in ("/docs", "/redoc"):
        text = client.get(page).text
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), page
    assert client.get("/static-docs/swagger-ui-bundle.js").status_code == 200


def test_an_act_page_offers_its_proof_against_a_configured_checkpoint(store, tmp_path):
    checkpoint = tmp_path / "cp.json"
    made = CliRunner().invoke(main, ["checkpoint", "--out", str(checkpoint), "--store", store])
    assert made.exit_code == 0, made.output
    client = TestClient(create_app(store, str(checkpoint)))
    page = client.get("/view/act/inf-1987.termination").text
    assert "Download the inclusion proof" in page
    assert re.search(rf"against the latest checkpoint:\s+{SHIPPED + 1} entries", page)
    proof = client.get("/view/act/inf-1987.termination/proof.json")
    assert proof.status_code == 200 and "attachment" in proof.headers["content-disposition"]
    assert proof.json()["checkpoint"]["tree_size"] == SHIPPED + 1
    proof_file = tmp_path / "proof.json"
    proof_file.write_bytes(proof.content)
    checked = CliRunner().invoke(main, ["verify-proof", str(proof_file)])
    # The paths hold; an unsigned checkpoint proves nothing against a trusted key (exit 3).
    assert checked.exit_code == 3 and "UNAUTHENTICATED" in checked.output, checked.output
    assert client.get("/view/act/none/proof.json").status_code == 404


def test_a_folder_of_checkpoints_proves_against_the_latest(store, tmp_path):
    with Ledger(store, read_only=True) as ledger:
        log = ledger.verified()
    earlier = Checkpoint(tree_size=SHIPPED, root_hash=log.root_hash(SHIPPED), recorded_at="")
    (tmp_path / "a-first.json").write_text(earlier.model_dump_json())
    client = TestClient(create_app(store, str(tmp_path)))
    page = client.get("/view/act/test.markup").text
    assert re.search(rf"recorded after the latest checkpoint \({SHIPPED} entries\)", page)
    assert client.get("/view/act/test.markup/proof.json").status_code == 503
    made = CliRunner().invoke(main, ["checkpoint", "--out", str(tmp_path / "b.json"),
                                     "--store", store])  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "Download the inclusion proof" in client.get("/view/act/test.markup").text
    (tmp_path / "c.json").write_text("{not json")
    broken = client.get("/view/act/test.markup").text
    assert "No inclusion proof can be offered" in broken and "c.json" in broken


def test_every_status_has_a_style_and_an_unknown_one_stays_readable():
    css = stylesheet()
    for style in ACTOR_STATUSES:
        assert f".st-{style.status}{{" in css and f"rect.st-{style.status}{{" in css
    assert {"participating", "provisionally-applying"} <= {s.status for s in ACTOR_STATUSES}
    assert css_class("party") == "st-party" and css_class("newly-invented") == "st-unknown"


def _row(text: str, row_id: str) -> str:
    start = text.index(f'<tr id="{row_id}">')
    return text[start : text.index("</tr>", start)]


@pytest.mark.parametrize(
    ("title", "short"),
    [
        ("Treaty on Conventional Armed Forces in Europe (CFE Treaty)", "CFE Treaty"),
        ("Treaty on Open Skies", "Treaty on Open Skies"),
        ("A title (" + "x" * 41 + ")", "A title (" + "x" * 41 + ")"),
        ("Empty ()", "Empty ()"),
    ],
)
def test_the_regime_names_an_instrument_by_its_short_name(title, short):
    assert short_title(title) == short


def test_a_chart_places_each_span_on_its_row_and_in_time():
    span = SimpleNamespace(row="RUS", status="suspended", start=date(2000, 1, 1),
                           end=date(2010, 1, 1))  # fmt: skip
    outside = SimpleNamespace(row="USA", status="party", start=date(2000, 1, 1),
                              end=date(2010, 1, 1))  # fmt: skip
    chart = status_chart(["cfe-1990", "RUS"], [span, outside], [], date(1990, 1, 1),
                         date(2020, 1, 1), as_of=date(2005, 1, 1))  # fmt: skip
    (bar,) = chart.bars
    left = chart.width - 10 - 620
    assert bar.css == "st-suspended" and bar.y == chart.rows[1][0] + 2
    assert abs(bar.x - (left + 620 * 3652 / 10957)) < 0.01
    assert abs(bar.width - 620 * 3653 / 10957) < 0.01
    assert chart.today is not None and bar.x < chart.today < bar.x + bar.width
    assert chart.statuses == ["suspended"]


def test_a_corrected_act_shows_each_version_with_who_when_why_and_sources(store, tmp_path):
    copy = tmp_path / "ledger.db"
    copy.write_bytes(Path(store).read_bytes())
    corrected = CliRunner().invoke(main, [
        "correct", "cfe-1990.rus.suspension", "--set", "date=2007-07-13", "--store", str(copy),
        "--reason", "The decree was signed <on 13 July>", "--source-title", "Decree No. 872",
        "--source-publisher", "President of Russia", "--source-date", "2007-07-13",
        "--by", "auditor-a",
    ])  # fmt: skip
    assert corrected.exit_code == 0, corrected.output
    client = TestClient(create_app(str(copy)))
    page = client.get("/view/act/cfe-1990.rus.suspension").text
    assert "Every version, in record order (2)" in page
    assert f"<strong>correct</strong> at log position @{SHIPPED + 2}" in page
    assert "by auditor-a" in page
    assert "Why: The decree was signed &lt;on 13 July&gt;" in page and "Decree No. 872" in page
    assert "<code>date</code> from <q>2007-07-14</q> to <q>2007-07-13</q>" in page
    moment = {"known_at": f"@{SHIPPED + 1}"}
    before = client.get("/view/act/cfe-1990.rus.suspension", params=moment).text
    assert "Every version, in record order (1)" in before


def test_a_proposal_is_set_against_the_regime_of_the_day(client):
    page = client.get("/view/contrast/russia-nato-security-measures-draft-2021",
                      params={"as_of": "2021-12"})  # fmt: skip
    assert page.status_code == 200
    section = page.text[page.text.index('id="p-no-deployments-in-post-1997-members"'):]
    section = section[: section.index("</section>")]
    for code in ("CZE", "HUN", "POL", "MNE", "MKD"):
        assert f">{code}</a> (" in section
    assert ">FIN</a>" not in section  # joined in 2023
    assert "nato-force-posture" in section and "would-replace" in section
    instrument = client.get("/view/instrument/russia-nato-security-measures-draft-2021").text
    assert "/view/contrast/russia-nato-security-measures-draft-2021?" in instrument


@pytest.mark.parametrize(("proposal", "status"), [("nope", 404), ("cfe-1990", 400)])
def test_a_contrast_page_refuses_what_is_not_a_proposal(client, proposal, status):
    page = client.get(f"/view/contrast/{proposal}", params={"as_of": "2021-12"})
    assert page.status_code == status and "Traceback" not in page.text
