"""The lineage docs site as readers use it: generated over the built lakehouse as `make docs-site`
does, served on 127.0.0.1 as `make docs` serves it and opened in headless Chromium; the docs
coverage gate; the column lineage traced from the same artifacts, and its pages."""

import copy
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
import yaml_docs
from conftest import BIN, PROJECT_DIR, Lakehouse
from playwright.sync_api import Page, sync_playwright
from services import free_port

from lakehouse.checks import docs_coverage
from lakehouse.docs import column_lineage, lineage_pages
from lakehouse.services.processes import port_open, wait_until

ARTIFACTS = PROJECT_DIR / "test-artifacts"
MART = "revenue_by_nation_month"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Cytoscape keeps its instance on the graph's container element.
VISIBLE_GRAPH_NODES = """() => Array.from(document.querySelectorAll('*'))
    .filter(e => e._cyreg && e._cyreg.cy)
    .flatMap(e => e._cyreg.cy.nodes(':visible').map(n => n.id()))"""


@pytest.fixture(scope="module")
def docs_target(built_lakehouse: Lakehouse) -> Path:
    """The target folder after `make docs-site`'s dbt command (its lakehouse commands follow)."""
    built_lakehouse.dbt("docs", "generate")
    return built_lakehouse.target_dir


@pytest.fixture(scope="module")
def lineage_run(docs_target: Path) -> subprocess.CompletedProcess[str]:
    """`lakehouse column-lineage`, as `make docs-site` runs it: the JSON artifact and the site."""
    return subprocess.run(
        [str(BIN / "lakehouse"), "column-lineage", "--target-dir", str(docs_target)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def site(docs_target: Path, lineage_run: subprocess.CompletedProcess[str]) -> Path:
    assert lineage_run.returncode == 0, lineage_run.stderr
    return docs_target / lineage_pages.SITE


@pytest.fixture(scope="module")
def docs_url(built_lakehouse: Lakehouse, site: Path) -> Iterator[str]:
    """The site served as `make docs` serves it."""
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "python"), "-m", "http.server", str(port), "--bind", "127.0.0.1"]
        + ["--directory", str(site)],
        env=built_lakehouse.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    def listening() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"the docs server exited with {process.returncode}")
        return port_open("127.0.0.1", port)

    if not wait_until(listening, timeout, interval=0.2):
        raise RuntimeError(f"the docs server did not listen on 127.0.0.1:{port}")


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    browser_path = next(
        filter(None, map(shutil.which, ["chromium", "chromium-browser", "google-chrome"])), None
    )
    if browser_path is None:
        pytest.fail("No Chromium found: apt-get install chromium (.ci/run installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, args=CHROMIUM_FLAGS)
        yield browser.new_page(viewport={"width": 1600, "height": 1000})
        browser.close()


def _upstream_closure(model: str) -> set[str]:
    """Node ids of the model and everything it reads, from the refs and sources in the code
    itself (independent of dbt's manifest, which the site displays)."""

    def read_by(code: str) -> set[str]:
        refs = re.findall(r"""ref\(\s*['"](\w+)['"]\s*\)""", code)
        sources = re.findall(r"""source\(\s*['"](\w+)['"]\s*,\s*['"](\w+)['"]\s*\)""", code)
        return {*refs, *(f"{s}.{t}" for s, t in sources)}

    reads: dict[str, set[str]] = {}
    for path in [*PROJECT_DIR.glob("models/**/*.sql"), *PROJECT_DIR.glob("python_models/**/*.py")]:
        reads[path.stem] = read_by(path.read_text())
    snapshots = set()
    for path in PROJECT_DIR.glob("snapshots/*.yml"):
        for snapshot in yaml.safe_load(path.read_text())["snapshots"]:
            snapshots.add(snapshot["name"])
            reads[snapshot["name"]] = read_by(snapshot["relation"])
    seeds = {path.stem for path in PROJECT_DIR.glob("seeds/*.csv")}

    def node_id(name: str) -> str:
        if "." in name:
            return f"source.tpch_lakehouse.{name}"
        kind = "seed" if name in seeds else "snapshot" if name in snapshots else "model"
        return f"{kind}.tpch_lakehouse.{name}"

    found, pending = set(), [model]
    while pending:
        name = pending.pop()
        if node_id(name) not in found:
            found.add(node_id(name))
            pending.extend(reads.get(name, ()))
    return found


def test_lineage_graph_shows_a_mart_with_all_its_upstreams(page: Page, docs_url: str) -> None:
    page.goto(f"{docs_url}/#!/model/model.tpch_lakehouse.{MART}")
    page.click("[title='View Lineage Graph']")
    page.click("[title='View Fullscreen']")
    page.fill("input[ng-model='selectorService.selection.dirty.include']", f"+{MART}")
    page.click("input[value='Update Graph']")
    page.wait_for_timeout(1500)  # the graph lays itself out

    shown = set(page.evaluate(VISIBLE_GRAPH_NODES))
    data_nodes = {
        node for node in shown if node.split(".")[0] in ("model", "seed", "snapshot", "source")
    }
    assert data_nodes == _upstream_closure(MART)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "docs-lineage-graph.png")
    assert (ARTIFACTS / "docs-lineage-graph.png").stat().st_size > 10_000


def test_model_page_shows_every_column_description(page: Page, docs_url: str) -> None:
    _, columns = yaml_docs.descriptions(MART)
    page.goto(f"{docs_url}/#!/model/model.tpch_lakehouse.{MART}")
    rows = page.locator("tr[ng-click='toggle_column_expanded(column)']")
    rows.first.wait_for()
    shown = [" ".join(row.split()) for row in rows.all_inner_texts()]

    assert len(shown) == len(columns)
    for row, (name, description) in zip(shown, columns.items(), strict=True):
        assert row.startswith(name + " "), row
        assert description in row, row
    page.screenshot(path=ARTIFACTS / "docs-model-page.png", full_page=True)


def test_site_is_one_self_contained_file(page: Page, site: Path, tmp_path: Path) -> None:
    """The site's index.html alone, opened from disk: manifest and catalog are inside it."""
    alone = tmp_path / "index.html"
    shutil.copy(site / "index.html", alone)
    page.goto(f"{alone.as_uri()}#!/model/model.tpch_lakehouse.{MART}")
    rows = page.locator("tr[ng-click='toggle_column_expanded(column)']")
    rows.first.wait_for()
    names = [row.split()[0] for row in rows.all_inner_texts()]
    assert names == list(yaml_docs.descriptions(MART)[1])


def test_docs_coverage_gate_passes_on_the_project(docs_target: Path) -> None:
    passed, text = docs_coverage.report(docs_target)
    assert passed, text


def test_docs_coverage_gate_names_each_gap(docs_target: Path) -> None:
    manifest, catalog = docs_coverage.load(docs_target)
    broken = copy.deepcopy(manifest)
    nodes = broken["nodes"]
    mart = nodes[f"model.tpch_lakehouse.{MART}"]
    mart["columns"]["region_name"]["description"] = ""
    del mart["columns"]["nation_name"]  # still in the built table (catalog)
    mart["config"]["contract"]["enforced"] = False
    nodes["model.tpch_lakehouse.dim_part"]["description"] = " "
    for test_id in [t for t in nodes if t.startswith("test.tpch_lakehouse.unique_dim_date_")]:
        del nodes[test_id]

    findings = {str(finding) for finding in docs_coverage.check(broken, catalog)}
    assert findings == {
        f"model.tpch_lakehouse.{MART}: column 'region_name' has no description",
        f"model.tpch_lakehouse.{MART}: column 'nation_name' has no description",
        f"model.tpch_lakehouse.{MART}: mart without an enforced contract",
        "model.tpch_lakehouse.dim_part: no description",
        (
            "model.tpch_lakehouse.dim_date: no primary-key test (unique + not_null on a column, "
            "or unique_combination)"
        ),
    }


def test_column_lineage_follows_columns_back_to_sources_and_seeds(
    docs_target: Path, lineage_run: subprocess.CompletedProcess[str]
) -> None:
    """`lakehouse column-lineage` (run by `make docs-site`) against lineage written by hand from
    reading the SQL: each column's direct upstream and the source and seed columns it comes from."""
    result = lineage_run
    assert result.returncode == 0, result.stderr
    columns = json.loads((docs_target / "column_lineage.json").read_text())["columns"]
    model, seed = "model.tpch_lakehouse.", "seed.tpch_lakehouse."
    lineitem, orders = "source.tpch_lakehouse.tpch.lineitem.", "source.tpch_lakehouse.tpch.orders."
    revenue_roots = {f"{lineitem}l_extendedprice", f"{lineitem}l_discount"}
    by_hand = {
        # fct_orders sums the line items' net revenue: extended_price * (1 - discount), renamed
        # in staging from l_extendedprice and l_discount.
        f"{model}customer_lifetime_value.lifetime_net_revenue": (
            {f"{model}fct_orders.net_revenue"}, revenue_roots,
        ),
        f"{model}customer_lifetime_value.average_order_value": (
            {f"{model}fct_orders.net_revenue"}, revenue_roots,  # over count(*): no column
        ),
        f"{model}stg_tpch__orders.customer_key": ({f"{orders}o_custkey"}, {f"{orders}o_custkey"}),
        f"{model}dim_customer.segment_label": (
            {f"{seed}market_segments.segment_label"}, {f"{seed}market_segments.segment_label"},
        ),
        f"{model}dim_customer.nation_iso_code": (
            {f"{model}int_nations__enriched.iso_alpha2"}, {f"{seed}nation_codes.iso_alpha2"},
        ),
    }  # fmt: skip
    for column, (upstream, roots) in by_hand.items():
        traced = columns[column]
        assert (traced["status"], set(traced["upstream"]), set(traced["roots"])) == (
            "traced", upstream, roots,
        ), column  # fmt: skip
        assert traced["roots_complete"], column
        for parent in upstream:
            assert column in columns[parent]["downstream"], parent
    # Counts of rows, Python models and an expression over * are listed as what they are.
    assert columns[f"{model}fct_orders.line_item_count"]["status"] == "no_input_column"
    rfm_segment = columns[f"{model}customer_rfm_segments.rfm_segment"]
    assert (rfm_segment["status"], rfm_segment["inputs"]) == ("declared", [f"{model}fct_orders"])
    # A SQL column over it is traced to it, its roots known to be incomplete.
    champion_share = columns[f"{model}customer_cluster_profiles.champion_share"]
    assert champion_share["upstream"] == [f"{model}customer_rfm_segments.rfm_segment"]
    assert champion_share["roots_complete"] is False
    raw_row = columns[f"{model}stg_tpch__orders_rejected.raw_row"]
    assert raw_row["status"] == "untraced" and "TO_JSON(STRUCT(*))" in raw_row["reasons"][0]
    assert f"untraced: {model}stg_tpch__orders_rejected.raw_row" in result.stdout


def test_column_lineage_lists_an_untraceable_column_instead_of_guessing(docs_target: Path) -> None:
    """A mart column planted with an expression sqlglot cannot follow (a column of no relation the
    query reads) is untraced, named with the expression; the columns beside it stay traced."""
    manifest, catalog = docs_coverage.load(docs_target)
    mart = manifest["nodes"]["model.tpch_lakehouse.customer_lifetime_value"]
    planted = "sum(net_revenue * exchange_rates.rate) as lifetime_net_revenue"
    mart["compiled_code"] = mart["compiled_code"].replace(
        "sum(net_revenue) as lifetime_net_revenue", planted
    )
    assert planted in mart["compiled_code"]
    columns = column_lineage.build(manifest, catalog)
    planted_column = columns["model.tpch_lakehouse.customer_lifetime_value.lifetime_net_revenue"]
    assert planted_column.status == "untraced"
    assert planted_column.reasons == ["sqlglot cannot resolve exchange_rates.rate"]
    beside = columns["model.tpch_lakehouse.customer_lifetime_value.lifetime_gross_margin"]
    assert (beside.status, beside.upstream) == (
        "traced", {"model.tpch_lakehouse.fct_orders.gross_margin"},
    )  # fmt: skip


def test_column_lineage_asks_for_docs_generate_when_nothing_is_compiled(
    docs_target: Path, tmp_path: Path
) -> None:
    """A manifest rewritten by `dbt parse` holds no compiled SQL: the command says what to run
    instead of listing every column as not compiled."""
    manifest, catalog = docs_coverage.load(docs_target)
    for node in manifest["nodes"].values():
        node.pop("compiled_code", None)
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "catalog.json").write_text(json.dumps(catalog))
    result = subprocess.run(
        [str(BIN / "lakehouse"), "column-lineage", "--target-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "holds no compiled SQL" in result.stderr and "dbt docs generate" in result.stderr
    assert not (tmp_path / "column_lineage.json").exists()


def test_model_pages_link_to_column_lineage_pages(page: Page, docs_url: str) -> None:
    """From a mart's page in the site to its column lineage, then up a column to the model it
    reads and back to that model's page; upstream and roots as read by hand from the SQL (above)."""
    page.goto(f"{docs_url}/#!/model/model.tpch_lakehouse.customer_lifetime_value")
    page.get_by_role("link", name=lineage_pages.LINK_TEXT).click()
    row = page.locator("tr#lifetime_net_revenue")
    reads, read_by, roots = (row.locator("td").nth(i).locator("a") for i in (2, 3, 4))
    assert reads.all_inner_texts() == ["fct_orders.net_revenue"]
    assert set(roots.all_inner_texts()) == {
        "tpch.lineitem.l_extendedprice",
        "tpch.lineitem.l_discount",
    }
    assert read_by.count() == 0  # nothing in the project reads a mart's column
    page.screenshot(path=ARTIFACTS / "docs-column-lineage.png", full_page=True)

    reads.first.click()
    assert page.url.endswith("/lineage/model.tpch_lakehouse.fct_orders.html#net_revenue")
    read_by = page.locator("tr#net_revenue td").nth(3).locator("a").all_inner_texts()
    assert "customer_lifetime_value.lifetime_net_revenue" in read_by
    page.get_by_role("link", name="The model's page").click()
    page.locator("tr[ng-click='toggle_column_expanded(column)']").first.wait_for()
    assert page.url.endswith("#!/model/model.tpch_lakehouse.fct_orders")


class _PageLinks(HTMLParser):
    """A page's row anchors (`<tr id>`) and the links it holds."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.rows: list[str] = []
        self.links: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "tr" and attributes.get("id"):
            self.rows.append(attributes["id"])
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])


def test_column_lineage_pages_hold_every_column_and_no_broken_link(
    site: Path, docs_target: Path
) -> None:
    """A page per built relation with a row per column of the built table (dbt's catalog), in its
    order; every link between pages lands on a page and a row that exist; the untraced columns are
    listed on the index page."""
    _, catalog = docs_coverage.load(docs_target)
    pages = {path.name: _PageLinks(path.read_text()) for path in (site / "lineage").glob("*.html")}
    built = {**catalog["nodes"], **catalog["sources"]}
    project_built = {uid: node for uid, node in built.items() if ".tpch_lakehouse." in uid}
    for uid, node in project_built.items():
        ordered = sorted(node["columns"].values(), key=lambda column: column["index"])
        assert pages[f"{uid}.html"].rows == [column["name"].lower() for column in ordered], uid
    for name, links in pages.items():
        for link in links.links:
            if link.startswith("../"):
                continue  # the dbt site (opened in the browser test)
            target, _, row = link.partition("#")
            assert target in pages, (name, link)
            assert not row or row in pages[target].rows, (name, link)
    index = (site / "lineage" / "index.html").read_text()
    not_traced = index[index.index("<h2>Not traced</h2>") :]
    assert "stg_tpch__orders_rejected.raw_row" in not_traced
    assert "TO_JSON(STRUCT(*))" in not_traced
