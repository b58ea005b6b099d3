"""Issue 28, point 4, on a real derive serve: the page's lists are the registries', written in by the server
(the HTML file has none), and in the browser each export link is the route and parameters it was given."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlparse

from test_web_page import browser, opened  # noqa: F401  browser is a fixture

from derive.reading.notations import NOTATIONS
from derive.serve import choices, jobs


def test_the_page_file_has_no_list_of_its_own():
    from importlib import resources

    page = resources.files("derive.serve").joinpath("page", "index.html").read_text(encoding="utf-8")
    assert '<option value="auto"' not in page and choices.NOTATIONS_HERE in page and choices.EXPORTS_HERE in page
    script = resources.files("derive.serve").joinpath("page", "app.js").read_text(encoding="utf-8")
    assert not re.search(r"\"/api/(steps|slides|backward)\"", script)  # the exports are the server's


def test_the_served_page_lists_the_registries(server):
    page = server.get("/").text
    options = re.findall(r'<option value="([^"]+)">([^<]+)</option>', page.split('id="input"')[1].split("</select>")[0])
    assert options == [(n.name, n.label) for n in NOTATIONS.values()]
    links = re.findall(r'<a data-path="([^"]+)" data-query="([^"]+)" download[^>]*>([^<]+)</a>', page)
    assert [(label, path, query) for path, query, label in links] == [
        (e.label, e.path, "&".join(f"{k}={v}" for k, v in e.params.items())) for e in choices.exports()
    ]
    for path, _, _ in links:
        assert path in {job.path for job in jobs.JOBS.values()}


def test_each_export_link_asks_its_route_for_the_pages_input(browser, server):  # noqa: F811
    page = opened(browser, server, "/?f=tanh&input=math&order=2")
    page.wait_for_selector("#downloads a")
    assert page.eval_on_selector_all("#input option", "os => os.map(o => o.value)") == list(NOTATIONS)
    assert page.locator("#input").input_value() == "math"
    hrefs = page.eval_on_selector_all("#downloads a", "links => links.map(a => a.getAttribute('href'))")
    expected = choices.exports()
    assert len(hrefs) == len(expected)
    for href, export in zip(hrefs, expected, strict=True):
        url = urlparse(href)
        assert url.path == export.path
        assert dict(parse_qsl(url.query)) == {
            "f": "tanh",
            "input": "math",
            **export.params,
            "order": "2",
            "download": "1",
        }
    assert not page.errors
