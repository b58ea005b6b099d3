"""Issue 31: a page a class can trust and everyone can use, in the system Chromium at a desktop's size
(1280×800) and a phone's (390×844): the answer always matches the question, mathematics a screen reader
speaks, exports that work with what is installed, a present mode, step by step and hints, phones, words
and numbers for people."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlparse

import pytest
from browsing import (
    DESKTOP,
    PHONE,
    SIZES,
    cli_json,
    cli_latex,
    opened,
    spoken,
    steps_shown,
    typed_rows,
    violations,
)
from click.testing import CliRunner
from webserver import Server

from derive.cli import main
from derive.serve.screenshots import until

SLOW = "softplus"  # the question whose answer the tests hold back
WORK_WRONG = "g(z) = (1+e^{-z})^{-1}\ng'(z) = -(1+e^{-z})^{-2}"


@pytest.fixture
def browser(chromium):
    return chromium


def held_back(page, name: str) -> list:  # noqa: ANN001
    """Requests for /api/steps of ``name`` held (not answered) until the test releases them; the others pass."""
    held = []

    def handle(route) -> None:  # noqa: ANN001
        asked = parse_qs(urlparse(route.request.url).query).get("f", [""])[0]
        if asked == name:
            held.append(route)
        else:
            route.continue_()

    page.route("**/api/steps?*", handle)
    return held


def wait_held(page, held: list) -> None:  # noqa: ANN001
    for _ in range(200):  # Playwright calls the route's handler while the test waits in it
        if held:
            return
        page.wait_for_timeout(25)
    raise AssertionError("the held request never came")


def release(route, status: int, body: str) -> None:  # noqa: ANN001
    """Answer a held request now; the page may have aborted it already (a newer question took its place)."""
    try:
        route.fulfill(status=status, content_type="application/json", body=body)
    except Exception:  # noqa: BLE001 - the request is gone: exactly what the page should have done
        pass


# --- 1. the answer always matches the question ------------------------------------------------------------------


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_late_answer_never_replaces_the_new_questions(browser, server, size):
    page = opened(browser, server, **SIZES[size])
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    held = held_back(page, SLOW)
    page.fill("#f", SLOW)
    # within 100 ms of asking, the page says an answer is coming: measured in the page, around the click
    said, elapsed = page.evaluate(
        """() => { const t0 = performance.now(); document.getElementById('go').click();
        return [document.getElementById('status').textContent, performance.now() - t0]; }"""
    )
    assert said.startswith("Working out the first derivative of softplus") and elapsed < 100, (said, elapsed)
    wait_held(page, held)
    assert page.locator("#result").is_hidden()  # no other question's steps under this one while it waits
    assert page.locator("#status").get_attribute("role") == "status"  # read out by screen readers (aria-live)
    # a new question while the first is held back: the first is aborted
    page.fill("#f", "tanh")
    page.click("#go")
    steps_shown(page, len(cli_latex("tanh")))
    assert any("f=softplus" in u for u in failed), failed  # AbortController: the held request was cancelled
    # the held answer arrives late: it is never shown
    release(held[0], 200, json.dumps(cli_json(SLOW)))
    page.wait_for_timeout(400)
    assert typed_rows(page) == cli_latex("tanh")
    assert "tanh" in page.locator("#title").inner_text() and "f=tanh" in page.url
    assert page.locator("#status").inner_text().startswith("The first derivative of tanh")


def test_a_late_error_is_never_shown(browser, server):
    page = opened(browser, server, **DESKTOP)
    held = held_back(page, SLOW)
    page.fill("#f", SLOW)
    page.click("#go")
    wait_held(page, held)
    page.fill("#f", "sigmoid")
    page.click("#go")
    steps_shown(page, len(cli_latex("sigmoid")))
    gave_up = {"error": "gave up after 10 s: the request ran past the server's time limit"}
    release(held[0], 503, json.dumps(gave_up))
    page.wait_for_timeout(400)
    assert page.locator("#problem").inner_text() == ""
    assert typed_rows(page) == cli_latex("sigmoid") and "gave up" not in page.locator("main").inner_text()


def test_an_answer_is_tied_to_its_question_not_to_the_box(browser, server):
    # the box changed after asking (not asked again): the answer, its plots and its exports are the question's
    page = opened(browser, server, **DESKTOP)
    held = held_back(page, SLOW)
    page.fill("#f", SLOW)
    page.click("#go")
    wait_held(page, held)
    page.unroute("**/api/steps?*")
    page.fill("#f", "elu")  # typed, not asked
    release(held[0], 200, json.dumps(cli_json(SLOW)))
    steps_shown(page, len(cli_latex(SLOW)))
    assert typed_rows(page) == cli_latex(SLOW)
    assert "f=softplus" in page.locator("#plot").get_attribute("src")
    for link in page.locator("#downloads a").all():
        assert "f=softplus" in link.get_attribute("href")


# --- 2. accessible mathematics -------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_step_is_spoken_in_the_accessibility_tree(browser, server, size):
    page = opened(browser, server, "/?f=sigmoid", **SIZES[size])
    steps_shown(page)
    spoken(page)
    tree = page.locator("#steps").aria_snapshot()
    rows = page.locator("#steps tbody tr")
    assert rows.count() == len(cli_latex("sigmoid"))
    for i in range(rows.count()):
        for cell in rows.nth(i).locator("td.math").all():
            if not cell.get_attribute("data-tex"):
                continue  # a continuation line's empty left side
            assert cell.locator(".katex-mathml math").count() == 1  # KaTeX's MathML beside its HTML
            said = cell.evaluate("c => c.dataset.speech || c.querySelector('[data-speech]').dataset.speech")
            assert said and f'math "{said}"' in tree, (said, tree[:2000])
    # what a screen reader hears for sigmoid's last line: g'(z) = g(z)(1 - g(z)), in words
    assert re.search(r'math "equals g of z .*1 minus g of z', tree), tree
    assert 'math "g prime of z"' in tree
    # the reasons are text, read in order after their line: rule, then reason (its mathematics spoken too)
    names = page.eval_on_selector_all("#steps tbody tr", "rows => rows.map(r => r.cells[2].textContent)")
    assert names[2].startswith("chain, power: ") and names[0] == "definition: the function, by name"
    assert 'math "d over d z' in tree  # the chain rule's reason, typeset as the Markdown export does


def test_the_exports_carry_mathml_and_its_spoken_text(browser, server):
    exports = {
        "html": CliRunner().invoke(main, ["steps", "sigmoid", "--format", "html"]).output,
        "reveal": server.get("/api/slides?f=sigmoid&format=reveal").text,
    }
    for name, text in exports.items():
        assert 'output: "htmlAndMathml"' in text, name
        page = browser.new_page()
        asked = []
        page.on("request", lambda r: asked.append(r.url))  # noqa: B023 - this page's own list
        page.set_content(text, wait_until="load")
        until(page, "() => document.body.dataset.spoken === 'true'")
        cells = page.locator("td[data-tex]").count()
        assert page.locator("td[data-tex] .katex-mathml math").count() == cells > 0, name
        assert page.locator(".katex-mathml math:not([aria-label])").count() == 0, name
        said = page.eval_on_selector_all(".katex-mathml math", "ms => ms.map(m => m.getAttribute('aria-label'))")
        assert "g prime of z" in said and any("1 minus g of z" in s for s in said), (name, said[:8])
        assert page.locator(".katex-error").count() == 0
        assert all(u.startswith(("about:", "data:")) for u in asked), asked  # offline: nothing fetched
        page.close()


STATES = ("initial", "derived", "error", "step by step", "check my work", "present")


def into(page, state: str) -> None:  # noqa: ANN001
    if state == "initial":
        until(page, "() => document.querySelectorAll('#library-table tbody tr').length > 0")
        page.click("#library-details summary")
        return
    if state == "error":
        page.fill("#f", "1/(1+e^-")
        page.press("#f", "Enter")
        page.wait_for_selector("#problem mark")
        return
    page.fill("#f", "sigmoid")
    page.press("#f", "Enter")
    steps_shown(page)
    spoken(page)
    if state == "step by step":
        page.click("#stepwise")
        page.click("#next-step")
        page.click("#next-step")
    elif state == "check my work":
        page.fill("#submission", WORK_WRONG)
        page.click("#check")
        page.wait_for_selector("ol.marks li")
        page.click("#hint")
    elif state == "present":
        page.click("#present-open")
        page.keyboard.press("ArrowRight")
        spoken(page, "#present")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_axe_finds_no_violation_in_any_state(browser, server, size):
    found = {}
    for state in STATES:
        page = opened(browser, server, bypass_csp=True, **SIZES[size])  # the CSP admits no script of the test's
        into(page, state)
        found[state] = violations(page)
        page.context.close()
    print(f"axe-core violations, {size}: " + ", ".join(f"{s}: {len(v)}" for s, v in found.items()))
    assert all(not v for v in found.values()), found


def test_axe_finds_no_violation_in_dark_mode(browser, server):
    found = {}
    for state in ("derived", "check my work", "present"):
        page = opened(browser, server, bypass_csp=True, color_scheme="dark", **DESKTOP)
        into(page, state)
        found[state] = violations(page)
        page.context.close()
    print("axe-core violations, dark desktop: " + ", ".join(f"{s}: {len(v)}" for s, v in found.items()))
    assert all(not v for v in found.values()), found


# --- 3. exports that work with what is installed ------------------------------------------------------------------


@pytest.fixture(scope="module")
def without_frameworks(tmp_path_factory):
    """A server on which importing torch, jax or numpy fails, as under `pip install derive[web]`."""
    folder = tmp_path_factory.mktemp("no-frameworks")
    for name in ("torch", "jax"):
        (folder / f"{name}.py").write_text(f"raise ImportError('{name} is not installed here')\n")
    running = Server("--workers", "2", "--timeout", "30", env={"PYTHONPATH": str(folder)})
    yield running
    running.stop()


def test_backward_modules_are_written_without_their_frameworks(without_frameworks):
    for framework in ("torch", "jax", "numpy"):
        answer = without_frameworks.get(f"/api/backward?f=softplus&framework={framework}", timeout=25)
        assert answer.status == 200, answer.body[:300]
        expected = CliRunner().invoke(main, ["backward", "softplus", "--framework", framework]).output
        assert answer.text == expected
    assert "ImportError" not in without_frameworks.log()


def test_an_export_the_server_cannot_make_says_why_at_once(browser, server):
    answer = server.get("/api/backward?f=1/(1%2Be%5E-x)&framework=torch", timeout=10)
    assert answer.status == 400 and "needs a Python name" in answer.json["error"]
    # on the page: an expression's module gets a name, and an export that fails says why beside the exports
    page = opened(browser, server, "/?f=1/(1%2Be%5E-x)", **DESKTOP)
    steps_shown(page)
    assert "name=activation" in page.locator("#downloads a:text('PyTorch backward')").get_attribute("href")
    page.route("**/api/slides?*", lambda r: r.fulfill(status=400, body='{"error": "TeX is not installed"}'))
    page.click("#downloads a:text('Beamer (PDF)')")
    until(page, "() => document.getElementById('export-problem').textContent.length > 0")
    assert "cannot be made for this input: TeX is not installed" in page.locator("#export-problem").inner_text()


# --- 4. present mode, the address and Back/Forward ----------------------------------------------------------------


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_present_mode_shows_the_slides_builds_and_keeps_the_address(browser, server, size):
    page = opened(browser, server, **SIZES[size])
    page.fill("#f", "sigmoid")
    page.press("#f", "Enter")
    steps_shown(page)
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("p")  # the key, from anywhere but a text field
    assert page.locator("#present").is_visible()
    steps = cli_json("sigmoid")["steps"]
    builds = 1 + sum(1 for s in steps if s["quantity"] != "g")  # the slides' builds: g's lines at once
    shown = []
    for build in range(1, builds + 1):
        until(page, f"() => document.getElementById('present-count').textContent === 'Build {build} of {builds}'")
        shown.append(page.locator("#present-lines tbody tr").count())
        assert parse_qs(urlparse(page.url).query)["step"] == [str(build)]
        page.keyboard.press("ArrowRight")
    assert shown == [2, 3, 4, 5, 6]  # sigmoid's two g lines together, then one line a build
    # at projector size: fractions in display style, the reason large
    assert page.locator("#present-lines .katex-display").count() > 0
    assert page.locator("#present-lines .mfrac").count() > 0
    letters = page.evaluate("parseFloat(getComputedStyle(document.getElementById('present-why')).fontSize)")
    assert letters >= (24 if size == "desktop" else 19), letters  # the reason readable from the back row
    # no line wider than the screen without a way to scroll it
    box = page.locator("#present-scroll")
    assert box.evaluate("b => b.scrollWidth <= b.clientWidth + 1 || b.classList.contains('overflows')")
    page.keyboard.press("Escape")
    assert page.locator("#present").is_hidden() and "step=" not in page.url
    # the address reopens the page presenting that step
    other = opened(browser, server, "/?f=tanh&order=1&step=2", **SIZES[size])
    until(other, "() => document.getElementById('present-count').textContent.startsWith('Build 2 of')")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_back_and_forward_move_between_derivations(browser, server, size):
    page = opened(browser, server, **SIZES[size])
    for name in ("sigmoid", "tanh"):
        page.fill("#f", name)
        page.press("#f", "Enter")
        steps_shown(page, len(cli_latex(name)))
    page.go_back()
    until(page, "() => document.getElementById('f').value === 'sigmoid'")
    steps_shown(page, len(cli_latex("sigmoid")))
    assert typed_rows(page) == cli_latex("sigmoid") and urlparse(page.url).path == "/"
    page.go_forward()
    until(page, "() => document.getElementById('f').value === 'tanh'")
    steps_shown(page, len(cli_latex("tanh")))
    assert typed_rows(page) == cli_latex("tanh")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_order_two_says_which_derivative_everything_shows(browser, server, size):
    page = opened(browser, server, "/?f=tanh&order=2", **SIZES[size])
    steps_shown(page)
    assert typed_rows(page) == cli_latex("tanh", "--order", "2")
    assert "second derivative" in page.locator("#title").inner_text() and "g″" in page.locator("#title").inner_text()
    assert "first derivative, not g″" in page.locator("#plot-caption").inner_text()
    assert "(g″)" in page.locator("#downloads a:text('LaTeX')").inner_text()
    assert "order=2" in page.locator("#downloads a:text('LaTeX')").get_attribute("href")
    assert "(g′)" in page.locator("#downloads a:text('PyTorch backward')").inner_text()


# --- 5. step by step, check my work and hints -------------------------------------------------------------------


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_step_by_step_shows_the_reason_before_the_line(browser, server, size):
    page = opened(browser, server, "/?f=sigmoid", **SIZES[size])
    steps_shown(page)
    page.click("#stepwise")
    rows = page.locator("#steps tbody tr")
    first = rows.nth(0)
    assert first.locator("td.why").is_visible() and not first.locator("td.rhs .katex").is_visible()
    assert not rows.nth(1).is_visible()
    page.click("#next-step")
    assert first.locator("td.rhs .katex").is_visible() and not rows.nth(1).is_visible()
    page.click("#next-step")
    assert rows.nth(1).locator("td.why").is_visible() and not rows.nth(1).locator("td.rhs .katex").is_visible()
    assert "written out in elementary functions" in page.locator("#stepper-said").inner_text()
    page.click("#all-steps")
    assert all(r.locator("td.rhs .katex").is_visible() for r in rows.all())


WORK_FOUR = "g(z) = (1+e^{-z})^{-1}\ng'(z) = -(1+e^{-z})^{-2}\n= -1/(1+e^{-z})^2\n= \\foo(z)"


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_check_my_work_typesets_says_and_hints(browser, server, size):
    marking = server.post("/api/mark", {"f": "sigmoid", "submission": WORK_FOUR}).json  # what the engine says
    page = opened(browser, server, "/?f=sigmoid", **SIZES[size])
    steps_shown(page)
    page.fill("#submission", WORK_FOUR)
    page.click("#check")
    page.wait_for_selector("ol.marks li")
    marks = page.locator("ol.marks li")
    verdicts = [line["verdict"] for line in marking["lines"]]
    assert [m.get_attribute("data-verdict") for m in marks.all()] == verdicts
    assert verdicts[:2] == ["right", "wrong"]
    wrong = marks.nth(1).inner_text()
    assert "the chain rule multiplies by the inner derivative" in wrong  # the sentence, not the identifier
    assert "chain-rule-without-inner" not in wrong and "-0.00758, not 0.07949" in wrong  # 4 significant digits
    for i, line in enumerate(marking["lines"]):
        item = marks.nth(i)
        if line.get("latex"):  # the student's line typeset beside its mark
            assert item.locator(".written .katex-mathml math").count() == 1
        if line.get("follows_from"):
            assert f"follows from line {line['follows_from']}" in item.inner_text()
        if line["verdict"] == "not judged":  # shown apart from wrong
            assert "mark-unjudged" in item.get_attribute("class") and "✗" not in item.inner_text()
            assert f"line {line['line']}" in page.locator("#marks p.summary").inner_text()
    page.click("#hint")
    hint = page.locator("#hint-said").inner_text()
    first = marking["lines"][marking["first_wrong"] - 1]
    if first.get("hint"):
        assert hint == f"Hint for line {marking['first_wrong']}: {first['hint']}"
    assert "e^{-z}" not in hint and "e^(-z)" not in hint  # which rule, not the answer


def test_check_my_work_with_the_function_box_empty(browser, server):
    answer = server.post("/api/mark", {"f": "", "submission": WORK_FOUR})
    assert answer.status in (200, 400), answer.body[:300]  # never a 500: a clean refusal at worst
    page = opened(browser, server, **DESKTOP)
    page.fill("#submission", WORK_FOUR)
    page.click("#check")
    marks = "document.getElementById('marks')"
    until(page, f"() => {marks}.textContent.length > 0 && !{marks}.hasAttribute('aria-busy')")
    text = page.locator("#marks").inner_text()
    if answer.status == 200:  # the engine took the function from the first line: the page says so
        assert answer.json["target_from"] == "first line"
        assert "The function box was empty: the function was taken from your first line" in text
        assert page.locator("ol.marks li").count() == len(answer.json["lines"])
    else:
        assert "write the function in the box" in text, text


# --- 6. phones -------------------------------------------------------------------------------------------------------


def test_a_phone_sees_every_step_or_a_cue_and_can_scroll_by_keyboard(browser, server):
    page = opened(browser, server, "/?f=mish", **PHONE)
    steps_shown(page)
    page.wait_for_timeout(300)
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    wide = page.locator("#steps .overflows")
    assert wide.count() > 0  # mish's lines are wider than a phone
    assert page.locator("#scroll-cue").is_visible()
    for region in wide.all():
        assert region.get_attribute("tabindex") == "0" and "scrolls sideways" in region.get_attribute("aria-label")
        region.focus()
        page.keyboard.press("ArrowRight")
    # every math cell either fits or scrolls (none cut without a cue)
    cut = page.evaluate(
        """() => [...document.querySelectorAll('#steps .scrollx')].filter(
            e => e.scrollWidth > e.clientWidth + 1 && !e.classList.contains('overflows')).length"""
    )
    assert cut == 0
    # the Order label stays on the line of its select
    label, select = page.locator("label[for=order]").bounding_box(), page.locator("#order").bounding_box()
    assert abs((label["y"] + label["height"] / 2) - (select["y"] + select["height"] / 2)) < 12
    # the plots are drawn for the width: stacked panels, no wider than the page
    until(page, "() => { const i = document.getElementById('plot'); return i.complete && i.naturalWidth > 0 }")
    assert "layout=narrow" in page.evaluate("document.getElementById('plot').currentSrc")
    box = page.locator("#plot").bounding_box()
    assert box["width"] <= 390 and page.evaluate("document.getElementById('plot').naturalWidth") < 420


# --- 7. words and numbers ---------------------------------------------------------------------------------------------


def test_the_library_is_listed_and_each_name_derives(browser, server):
    from derive.knowledge.activations import LIBRARY

    page = opened(browser, server, **DESKTOP)
    until(page, f"() => document.querySelectorAll('#library-table tbody tr').length === {len(LIBRARY)}")
    page.click("#library-details summary")
    assert page.locator("#examples li").count() >= 3
    page.click("#library-table a:text-is('elu')")
    steps_shown(page, len(cli_latex("elu")))
    assert page.locator("#f").input_value() == "elu" and "f=elu" in page.url


def test_dark_mode_and_print(browser, server):
    page = opened(browser, server, "/?f=sigmoid", color_scheme="dark", **DESKTOP)
    steps_shown(page)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(255, 255, 255)"
    page.emulate_media(media="print")
    for hidden in ("#ask", "#work", "#export-title", "#library"):
        assert page.locator(hidden).is_hidden(), hidden
    assert page.locator("#steps tbody tr").first.is_visible()


def test_witnesses_are_written_to_four_significant_digits_and_typeset(browser, server):
    data = cli_json("gelu")
    numbers = re.findall(r"-?\d+\.\d+", data["output_form_reason"])
    assert numbers and all(len(n.lstrip("-").replace(".", "").lstrip("0")) <= 4 for n in numbers), numbers
    page = opened(browser, server, "/?f=gelu", **DESKTOP)
    steps_shown(page)
    verdict = page.locator("#notes p.verdict")
    assert verdict.locator(".katex").count() > 0  # g and g' typeset, as the Markdown export writes them
    assert all(n in verdict.inner_text() for n in numbers)
