// derive's page: every reading, derivation and marking is the server's (its API is the CLI's), and so are
// its lists (the notations, the exports, the library: from derive's registries); this script only asks,
// typesets (KaTeX, with MathML, and a spoken text from the Speech Rule Engine, both from this server), and
// keeps the address the page's state: the function, the order and, presenting, the step.
//
// Every answer is tied to the question that asked it: a derivation, a preview and a marking each carry a
// sequence number, a newer question aborts the older one's request (AbortController), and an answer or an
// error whose number is not the latest is dropped, never shown.
"use strict";

const $ = (id) => document.getElementById(id);
const DEBOUNCE_MS = 250;
const PRIMES = { 1: "′", 2: "″", 3: "‴", 4: "⁗" };
const ORDINALS = { 1: "first", 2: "second", 3: "third", 4: "fourth" };
const SAID_LIMIT = 60; // a function's text in a sentence, at most

let previewTimer = null;
const asked = { preview: 0, derive: 0, mark: 0 }; // the latest question of each kind
const inFlight = { preview: null, derive: null, mark: null }; // its AbortController
let shown = null; // the derivation on the page: {f, order, input, data}
let problemFrom = ""; // who wrote the problem box: "preview" or "derive"
let presenting = false;
let presentBuild = 1;
let lastMarking = null;

// --- asking ------------------------------------------------------------------------------------------------

function params(extra, state) {
  // the question's parameters: the state asked (a shown derivation's), else what the boxes hold now
  const from = state || { f: $("f").value.trim(), input: $("input").value };
  const p = new URLSearchParams({ f: from.f, input: from.input });
  for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
  return p;
}

function question(kind) {
  // a new question of this kind: the one in flight is aborted, and its number is no longer the latest
  if (inFlight[kind]) inFlight[kind].abort();
  const controller = new AbortController();
  inFlight[kind] = controller;
  return { number: ++asked[kind], signal: controller.signal, kind };
}

const latest = (q) => q.number === asked[q.kind];

async function ask(path, q, options) {
  try {
    const response = await fetch(path, { headers: { Accept: "application/json" }, signal: q.signal, ...(options || {}) });
    const text = await response.text();
    let data = null;
    try { data = JSON.parse(text); } catch (e) { data = null; }
    return { ok: response.ok, status: response.status, data, text };
  } catch (err) {
    if (err && err.name === "AbortError") return null; // a newer question took its place
    return { ok: false, status: 0, data: { error: "the server did not answer (is derive serve running?)" } };
  }
}

function say(text) {
  $("status").textContent = text;
}

const short = (text) => (text.length > SAID_LIMIT ? text.slice(0, SAID_LIMIT - 1) + "…" : text);

// --- typesetting, with MathML and a spoken text ----------------------------------------------------------------

let speechReady = null;

function speechEngine() {
  if (speechReady) return speechReady;
  if (typeof SRE === "undefined" || !SRE.engineReady) return Promise.resolve(null);
  speechReady = SRE.engineReady().then(() => SRE, () => null);
  return speechReady;
}

function speak(holder) {
  // the Speech Rule Engine's English for KaTeX's MathML: the name of the formula in the accessibility tree
  const math = holder.querySelector(".katex-mathml math");
  if (!math) return;
  speechEngine().then((sre) => {
    if (!sre || !math.isConnected) return;
    const copy = math.cloneNode(true);
    copy.querySelectorAll("annotation").forEach((a) => a.remove());
    let said = "";
    try { said = sre.toSpeech(copy.outerHTML); } catch (e) { said = ""; }
    if (said) {
      math.setAttribute("aria-label", said);
      holder.dataset.speech = said;
    }
  });
}

function typeset(element, tex, display) {
  element.textContent = "";
  katex.render(tex, element, { displayMode: !!display, throwOnError: false, output: "htmlAndMathml" });
  element.dataset.tex = tex;
  speak(element);
}

function words(element, plain, withTex, display) {
  // a reason as the Markdown export writes it: words, and $...$ typeset in line; else the plain text
  element.textContent = "";
  if (typeof withTex !== "string" || !withTex.includes("$")) { element.append(plain || withTex || ""); return; }
  withTex.split("$").forEach((piece, i) => {
    if (i % 2 === 0) { if (piece) element.append(piece); return; }
    const math = document.createElement("span");
    math.className = "tex";
    typeset(math, display ? "\\displaystyle " + piece : piece, false);
    element.append(math);
  });
}

// --- scrolling regions: focusable, labelled, and with a visible cue ------------------------------------------------

function markScrollers() {
  let cue = false;
  for (const el of document.querySelectorAll("[data-scroll-label]")) {
    const style = getComputedStyle(el);
    const can = (overflow) => overflow === "auto" || overflow === "scroll";
    const scrolls = el.offsetParent !== null && ((can(style.overflowX) && el.scrollWidth > el.clientWidth + 1) ||
      (can(style.overflowY) && el.scrollHeight > el.clientHeight + 1));
    el.classList.toggle("overflows", scrolls);
    if (scrolls) {
      el.tabIndex = 0;
      el.setAttribute("role", "group");
      el.setAttribute("aria-label", el.dataset.scrollLabel + (el.scrollWidth > el.clientWidth + 1 ? " (scrolls sideways)" : " (scrolls)"));
      if (el.closest("#steps-scroll")) cue = true;
    } else {
      el.removeAttribute("tabindex");
      el.removeAttribute("role");
      el.removeAttribute("aria-label");
    }
  }
  $("scroll-cue").hidden = !cue;
}

// --- the live preview ----------------------------------------------------------------------------------------------

function showProblem(message, column, from) {
  const box = $("problem");
  box.textContent = "";
  problemFrom = message ? from : "";
  if (!message) return;
  const text = $("f").value;
  if (column && column >= 1 && column <= text.length + 1) {
    const pre = document.createElement("span");
    pre.className = "where";
    pre.append(text.slice(0, column - 1));
    const at = document.createElement("mark");
    at.textContent = text.slice(column - 1, column) || " ";
    at.title = "column " + column;
    pre.append(at, text.slice(column));
    box.append(pre, document.createElement("br"));
  }
  box.append(message);
}

async function preview() {
  const q = question("preview");
  const text = $("f").value.trim();
  if (!text) { $("reading").textContent = ""; $("conventions").textContent = ""; showProblem(""); return; }
  const answer = await ask("/api/read?" + params(), q);
  if (!answer || !latest(q)) return; // a newer keystroke asked since
  $("conventions").textContent = "";
  if (!answer.ok) {
    $("reading").textContent = "";
    showProblem(answer.data ? answer.data.error : "the server did not answer", answer.data && answer.data.column, "preview");
    return;
  }
  if (problemFrom !== "derive") showProblem("");
  const d = answer.data;
  const name = d.function === "g" ? "g" : d.function;
  const head = `${name}(${d.variable}) = ${d.latex}` + (d.latex !== d.written_out ? ` = ${d.written_out}` : "");
  const dd = d.order ? `\\frac{d${d.order > 1 ? "^" + d.order : ""}}{d${d.variable}${d.order > 1 ? "^" + d.order : ""}} ` : "";
  typeset($("reading"), dd + head);
  for (const c of d.conventions) {
    const li = document.createElement("li");
    li.textContent = "read " + c;
    $("conventions").append(li);
  }
  markScrollers();
}

function onInput() {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(preview, DEBOUNCE_MS);
}

// --- the address: function, order, notation and, presenting, the step ----------------------------------------

function address(state) {
  const p = new URLSearchParams({ f: state.f, order: state.order });
  if (state.input && state.input !== "auto") p.set("input", state.input);
  if (state.step) p.set("step", String(state.step));
  return "/?" + p.toString();
}

function keepAddress(state, push) {
  const url = address(state);
  if (url === window.location.pathname + window.location.search) return;
  if (push) history.pushState(state, "", url);
  else history.replaceState(state, "", url);
}

// --- the derivation ---------------------------------------------------------------------------------------------

function split(latex) {
  // "g(z) = rhs" -> ["g(z)", "= rhs"]; "= rhs" -> ["", "= rhs"]: aligned on '=' as derive's page sets them
  if (latex.startsWith("= ")) return ["", latex];
  const at = latex.indexOf(" = ");
  return at < 0 ? ["", latex] : [latex.slice(0, at), latex.slice(at + 1)];
}

function buildsOf(steps) {
  // the slides' builds (derive.render.beamer.builds): g's lines at once, then a line a build
  const out = [];
  let build = 0;
  for (const s of steps) {
    if (s.quantity !== "g" || build === 0) build += 1;
    out.push(build);
  }
  return out;
}

function which(order) {
  return `g${PRIMES[order]}`;
}

async function derive(event, how) {
  if (event) event.preventDefault();
  how = how || { push: !!event };
  const f = $("f").value.trim();
  const order = $("order").value;
  const input = $("input").value;
  clearTimeout(previewTimer);
  if (!f) {
    question("derive"); // whatever was in flight is no longer wanted
    $("result").hidden = true;
    say("Write a function in the box first.");
    return;
  }
  const q = question("derive");
  preview();
  keepAddress({ f, order, input, step: how.step || null }, how.push);
  // said at once: the answer is coming, and the steps of another question are not left under this one
  say(`Working out the ${ORDINALS[order]} derivative of ${short(f)}…`);
  const result = $("result");
  result.hidden = true;
  result.setAttribute("aria-busy", "true");
  result.dataset.asked = f;
  document.body.classList.add("busy");
  if (presenting) closePresent(false);
  shown = null;
  const answer = await ask("/api/steps?" + params({ format: "json", order }, { f, input }), q);
  if (!answer || !latest(q)) return; // a newer question was asked: this answer is not its
  inFlight.derive = null;
  document.body.classList.remove("busy");
  result.removeAttribute("aria-busy");
  if (!answer.ok) {
    const message = answer.data ? answer.data.error : "the server did not answer";
    showProblem(message, answer.data && answer.data.column, "derive");
    say(`No derivative of ${short(f)}: ${message}`);
    return;
  }
  if (problemFrom === "derive") showProblem("");
  const d = Array.isArray(answer.data) ? answer.data[0] : answer.data;
  shown = { f, order: Number(order), input, data: d };
  showSteps(d, shown);
  result.hidden = false;
  markScrollers();
  say(`The ${ORDINALS[order]} derivative of ${short(f)}: ${d.steps.length} steps.`);
  if (how.step) openPresent(how.step, false);
}

function showSteps(d, state) {
  const { f, order } = state;
  const named = d.name && d.name !== d.input ? `${d.name}` : short(f);
  $("title").textContent = `The ${ORDINALS[order]} derivative of ${named}, ${which(order)}`;
  $("result").dataset.f = f;
  $("result").dataset.order = String(order);
  const body = $("steps").querySelector("tbody");
  body.textContent = "";
  const builds = buildsOf(d.steps);
  d.steps.forEach((step, i) => {
    const [lhs, rhs] = split(step.latex);
    const row = document.createElement("tr");
    row.dataset.build = String(builds[i]);
    row.dataset.shown = "all";
    const left = document.createElement("td"); left.className = "lhs math";
    const right = document.createElement("td"); right.className = "rhs math";
    const why = document.createElement("td"); why.className = "why";
    const rule = document.createElement("span"); rule.className = "rule"; rule.textContent = step.rule;
    const reason = document.createElement("span"); reason.className = "reason";
    words(reason, step.why, step.why_tex);
    why.append(rule, ": ", reason);
    if (lhs) typeset(left, lhs, false); else left.dataset.tex = "";
    const box = document.createElement("div");
    box.className = "scrollx";
    box.dataset.scrollLabel = `Step ${i + 1}`;
    right.append(box);
    typeset(box, rhs, false);
    right.dataset.tex = rhs;
    row.append(left, right, why);
    body.append(row);
  });
  const notes = $("notes");
  notes.textContent = "";
  const note = (text, cls) => { const p = document.createElement("p"); if (cls) p.className = cls; p.textContent = text; notes.append(p); };
  for (const c of d.conventions || []) note("Read " + c + ".");
  if (d.output_form_status !== "found") {
    const p = document.createElement("p");
    p.className = "verdict";
    words(p, d.output_form_reason, d.output_form_reason_tex); // typeset as the Markdown export writes it
    notes.append(p);
  }
  for (const at of d.not_differentiable_at || []) note(`g is not differentiable at ${d.variable} = ${at}.`);
  // the plots: of g and g′ whatever the order, and they say so; a narrow drawing for a phone's width
  $("plot").src = "/api/plot?" + params({}, state);
  $("plot-narrow").srcset = "/api/plot?" + params({ layout: "narrow" }, state);
  const plotted = "g and its first derivative g′ over " + d.variable + ", and g′ against g";
  $("plot").alt = "Plots of " + plotted;
  $("plots-title").textContent = "Plots of g and g′";
  $("plot-caption").textContent = order > 1
    ? `The plots are of ${plotted}: the first derivative, not ${which(order)} of the steps above.`
    : `The plots are of ${plotted}.`;
  // the exports are the server's (from its registries): each link gets this input's address and says its derivative
  for (const a of $("downloads").querySelectorAll("a")) {
    const extra = Object.fromEntries(new URLSearchParams(a.dataset.query));
    const ordered = "ordered" in a.dataset; // the server says which exports are of the order's derivative
    // a backward module is a Python function: an expression that is not a name gets one
    const named = "named" in a.dataset && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(f) ? { name: "activation" } : {};
    a.href = a.dataset.path + "?" + params({ ...extra, ...named, order: String(order), download: "1" }, state);
    let tag = a.querySelector(".which");
    if (!tag) { tag = document.createElement("span"); tag.className = "which"; a.append(tag); }
    tag.textContent = ` (${ordered ? which(order) : "g′"})`;
  }
  $("export-problem").textContent = "";
  $("export-note").textContent = order > 1
    ? `The derivation's files are of ${which(order)}; the slides and the backward modules are of the first derivative g′.`
    : "";
  setStepwise(false);
}

async function exportClick(event) {
  // fetched first: an export the server cannot make says why here, instead of a file holding the error
  const a = event.currentTarget;
  event.preventDefault();
  const label = a.firstChild ? a.firstChild.textContent : "the export";
  const box = $("export-problem");
  box.textContent = "";
  say(`Making ${label}…`);
  let response;
  try { response = await fetch(a.href); } catch (err) { box.textContent = `${label}: the server did not answer`; return; }
  if (!response.ok) {
    const data = await response.json().catch(() => null);
    box.textContent = `${label} cannot be made for this input: ${data && data.error ? data.error : "error " + response.status}`;
    say(box.textContent);
    return;
  }
  const found = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
  const name = found ? found[1] : "derivation";
  const url = URL.createObjectURL(await response.blob());
  const save = document.createElement("a");
  save.href = url;
  save.download = name;
  document.body.append(save);
  save.click();
  save.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  say(`${label}: ${name} downloaded.`);
}

// --- reasons, and step by step: the rule and reason first, then the line ---------------------------------------

function toggleReasons() {
  const button = $("reasons");
  const on = button.getAttribute("aria-pressed") === "true";
  button.setAttribute("aria-pressed", on ? "false" : "true");
  button.textContent = on ? "Show the reasons" : "Hide the reasons";
  $("steps").classList.toggle("no-reasons", on);
}

function setStepwise(on) {
  $("stepwise").setAttribute("aria-pressed", on ? "true" : "false");
  $("stepper").hidden = !on;
  $("stepper-said").textContent = "";
  $("next-step").disabled = false;
  for (const row of $("steps").querySelectorAll("tbody tr")) row.dataset.shown = on ? "none" : "all";
  if (on) {
    if ($("reasons").getAttribute("aria-pressed") === "false") toggleReasons(); // the reasons come first
    nextStep();
    $("next-step").focus();
  }
  markScrollers();
}

function nextStep() {
  const rows = [...$("steps").querySelectorAll("tbody tr")];
  const at = rows.findIndex((r) => r.dataset.shown !== "all");
  if (at < 0) return;
  const row = rows[at];
  const rule = row.querySelector(".rule").textContent;
  const reason = row.querySelector(".reason").textContent;
  if (row.dataset.shown === "none") {
    row.dataset.shown = "why";
    $("stepper-said").textContent = `Step ${at + 1} of ${rows.length}: ${rule}: ${reason}. Next: its line.`;
  } else {
    row.dataset.shown = "all";
    const last = at === rows.length - 1;
    $("stepper-said").textContent = `Step ${at + 1} of ${rows.length}: the line is shown.` + (last ? " That was the last step." : "");
    if (last) $("next-step").disabled = true;
  }
  markScrollers();
}

// --- present mode: a build at a time, at a projector's size ---------------------------------------------------------

function lastBuild() {
  const rows = $("steps").querySelectorAll("tbody tr");
  return rows.length ? Number(rows[rows.length - 1].dataset.build) : 1;
}

function openPresent(build, keep) {
  if (!shown) return;
  presenting = true;
  presentBuild = Math.min(Math.max(1, Number(build) || 1), lastBuild());
  for (const part of document.querySelectorAll("header, main, footer")) part.inert = true;
  document.body.classList.add("presenting");
  $("present").hidden = false;
  showBuild(keep !== false);
  $("present-next").focus();
}

function closePresent(keep) {
  presenting = false;
  $("present").hidden = true;
  document.body.classList.remove("presenting");
  for (const part of document.querySelectorAll("header, main, footer")) part.inert = false;
  if (keep !== false && shown) {
    keepAddress({ f: shown.f, order: String(shown.order), input: shown.input, step: null }, false);
    $("present-open").focus();
  }
}

function showBuild(keep) {
  const d = shown.data;
  const order = shown.order;
  const last = lastBuild();
  const named = d.name && d.name !== d.input ? d.name : short(shown.f);
  $("present-title").textContent = `${named}: the ${ORDINALS[order]} derivative, ${which(order)}`;
  $("present-count").textContent = `Build ${presentBuild} of ${last}`;
  const body = $("present-lines").querySelector("tbody");
  body.textContent = "";
  const why = $("present-why");
  why.textContent = "";
  const builds = buildsOf(d.steps);
  d.steps.forEach((step, i) => {
    if (builds[i] > presentBuild) return;
    const [lhs, rhs] = split(step.latex);
    const row = document.createElement("tr");
    if (builds[i] === presentBuild) row.className = "new";
    const left = document.createElement("td"); left.className = "lhs";
    const right = document.createElement("td"); right.className = "rhs";
    if (lhs) typeset(left, lhs, true);
    typeset(right, rhs, true);
    row.append(left, right);
    body.append(row);
    if (builds[i] === presentBuild) {
      const p = document.createElement("p");
      const rule = document.createElement("strong"); rule.textContent = step.rule;
      const reason = document.createElement("span");
      words(reason, step.why, step.why_tex, true); // fractions in display style, as the lines
      p.append(rule, ": ", reason);
      why.append(p);
    }
  });
  $("present-prev").disabled = presentBuild <= 1;
  $("present-next").disabled = presentBuild >= last;
  fitPresent();
  if (keep) keepAddress({ f: shown.f, order: String(order), input: shown.input, step: presentBuild }, false);
}

function fitPresent() {
  // the lines as large as the screen allows (up to 2.4 rem), never wider than it
  const table = $("present-lines");
  const box = $("present-scroll");
  const least = window.innerWidth < 600 ? 0.7 : 0.9; // smaller than this, a line scrolls instead
  let size = Math.min(2.4, Math.max(1.1, window.innerWidth / 560));
  for (let pass = 0; pass < 6; pass++) {
    table.style.fontSize = size + "rem";
    const room = Math.min(box.clientWidth / Math.max(1, table.scrollWidth), box.clientHeight / Math.max(1, table.scrollHeight));
    if (room >= 1 || size <= least) break;
    size = Math.max(least, size * room * 0.98);
  }
  const newest = table.querySelector("tr.new");
  if (newest) newest.scrollIntoView({ block: "nearest" });
  markScrollers();
}

function stepPresent(by) {
  const next = Math.min(Math.max(1, presentBuild + by), lastBuild());
  if (next === presentBuild) return;
  presentBuild = next;
  showBuild(true);
}

function onKey(event) {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  if (presenting) {
    const keys = { ArrowRight: 1, PageDown: 1, " ": 1, ArrowLeft: -1, PageUp: -1 };
    if (event.key === "Escape") { event.preventDefault(); closePresent(true); return; }
    if (event.key === "Home") { event.preventDefault(); presentBuild = 1; showBuild(true); return; }
    if (event.key === "End") { event.preventDefault(); presentBuild = lastBuild(); showBuild(true); return; }
    if (event.key in keys && !(event.key === " " && event.target.tagName === "BUTTON")) {
      event.preventDefault();
      stepPresent(keys[event.key]);
    }
    return;
  }
  const typing = event.target.closest && event.target.closest("input, textarea, select, [contenteditable]");
  if (!typing && (event.key === "p" || event.key === "P") && shown) {
    event.preventDefault();
    openPresent(1, true);
  }
}

// --- Back and Forward: between derivations ---------------------------------------------------------------------

function fromAddress(how) {
  const given = new URLSearchParams(window.location.search);
  const f = given.get("f") || "";
  const order = ["1", "2", "3", "4"].includes(given.get("order")) ? given.get("order") : "1";
  const input = given.get("input") || "auto";
  const step = given.get("step") ? Number(given.get("step")) : null;
  if (shown && shown.f === f && String(shown.order) === order && shown.input === input) {
    if (step) openPresent(step, false); else if (presenting) closePresent(false);
    return;
  }
  $("f").value = f;
  $("order").value = order;
  if ([...$("input").options].some((o) => o.value === input)) $("input").value = input;
  if (f) derive(null, { push: false, step, ...how });
  else { question("derive"); $("result").hidden = true; if (presenting) closePresent(false); shown = null; }
}

// --- check my work -------------------------------------------------------------------------------------------------

function verdictOf(line) {
  if (line.verdict === "right") return { cls: "mark-right", sign: "✓", said: "right" };
  if (line.verdict === "wrong") return { cls: "mark-wrong", sign: "✗", said: "wrong" };
  return { cls: "mark-unjudged", sign: "?", said: "not judged" };
}

function followsFrom(line) {
  if (Number.isInteger(line.follows_from)) return line.follows_from;
  if (line.follows_from_the_line_before === true && line.line > 1) return line.line - 1;
  return null;
}

const figure4 = (x) => (typeof x === "number" ? Number(x.toPrecision(4)).toString() : String(x));

async function checkWork() {
  const q = question("mark");
  const marks = $("marks");
  const f = $("f").value.trim();
  marks.textContent = "";
  $("hint").hidden = true;
  $("hint-said").hidden = true;
  lastMarking = null;
  marks.setAttribute("aria-busy", "true");
  say("Checking your work…");
  const answer = await ask("/api/mark", q, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ f, submission: $("submission").value, format: "json" }),
  });
  if (!answer || !latest(q)) return;
  marks.removeAttribute("aria-busy");
  const data = answer.data;
  if (!answer.ok || !data || !Array.isArray(data.lines)) {
    const message = data && data.error ? data.error : "the server did not answer";
    const p = document.createElement("p"); p.className = "problem"; p.textContent = message;
    marks.append(p);
    say("Your work could not be checked: " + message);
    return;
  }
  lastMarking = data;
  if (data.target_from === "first line" || (!f && data.target_from !== "argument")) {
    const p = document.createElement("p");
    p.className = "taken";
    p.textContent = "The function box was empty: the function was taken from your first line" +
      (data.target ? `, ${data.target}.` : ".");
    marks.append(p);
  }
  const list = document.createElement("ol");
  list.className = "marks";
  for (const line of data.lines) {
    const v = verdictOf(line);
    const li = document.createElement("li");
    li.className = v.cls;
    li.dataset.verdict = v.said;
    const sign = document.createElement("span");
    sign.className = "sign"; sign.setAttribute("aria-hidden", "true"); sign.textContent = v.sign;
    const verdict = document.createElement("span");
    verdict.className = "verdict-word"; verdict.textContent = v.said;
    const written = document.createElement("span");
    written.className = "written";
    written.dataset.scrollLabel = `Your line ${line.line}`;
    if (typeof line.latex === "string" && line.latex) typeset(written, line.latex, false);
    else { const code = document.createElement("code"); code.textContent = line.text; written.append(code); }
    const reason = document.createElement("span");
    reason.className = "mark-reason";
    const parts = [];
    const from = followsFrom(line);
    if (line.verdict === "right") parts.push(line.quantity ? `equals ${line.quantity}` : "");
    else parts.push(line.reason || "");
    if (from) parts.push(`follows from line ${from}`);
    if (line.differs_at && line.verdict === "wrong") {
      const at = line.differs_at;
      parts.push(`at ${data.variable || "z"} = ${figure4(at.z)} it is ${figure4(at.written)}, not ${figure4(at.right)}`);
    }
    if (line.mistake) {
      const sentence = line.mistake.sentence || line.mistake.explanation;
      if (sentence) parts.push(sentence);
      li.dataset.mistake = line.mistake.kind || "";
    }
    reason.textContent = parts.filter((p) => typeof p === "string" && p).join("; ");
    li.append(sign, " ", verdict, ": ", written, reason);
    const own = Array.isArray(line.words) ? line.words.filter((w) => typeof w === "string" && w) : [];
    if (own.length) { // the student's own words on the line (an annotation), apart from the mathematics
      const note = document.createElement("span");
      note.className = "mark-words";
      note.textContent = "your words: " + own.join(" ");
      li.append(note);
    }
    list.append(li);
  }
  const summary = document.createElement("p");
  summary.className = "summary";
  const unjudged = Array.isArray(data.not_judged) ? data.not_judged
    : data.lines.filter((l) => l.verdict !== "right" && l.verdict !== "wrong").map((l) => l.line);
  summary.textContent = (data.first_wrong ? `The first wrong line: line ${data.first_wrong}.` : "No line is wrong.") +
    (unjudged.length ? ` Not judged (neither right nor wrong): line${unjudged.length > 1 ? "s" : ""} ${unjudged.join(", ")}.` : "");
  marks.append(summary, list);
  $("hint").hidden = !data.first_wrong;
  say(summary.textContent);
  markScrollers();
}

function showHint() {
  const data = lastMarking;
  if (!data || !data.first_wrong) return;
  const line = data.lines.find((l) => l.line === data.first_wrong) || data.lines[data.first_wrong - 1];
  const box = $("hint-said");
  let hint = line && line.hint;
  if (hint && typeof hint === "object") hint = hint.sentence || hint.text || hint.rule || "";
  box.textContent = hint
    ? `Hint for line ${data.first_wrong}: ${hint}`
    : `Line ${data.first_wrong} is the first wrong line; this server's marking gives no hint for it.`;
  box.hidden = false;
}

// --- the library, from the server's registry -------------------------------------------------------------------

async function library() {
  const answer = await ask("/api/library", { signal: undefined, number: 0, kind: "library" });
  if (!answer || !answer.ok || !answer.data) return;
  const body = $("library-table").querySelector("tbody");
  body.textContent = "";
  for (const entry of answer.data.library) {
    const row = document.createElement("tr");
    const name = document.createElement("td");
    const link = document.createElement("a");
    link.href = address({ f: entry.name, order: "1" });
    link.textContent = entry.name;
    link.addEventListener("click", (event) => {
      event.preventDefault();
      $("f").value = entry.name;
      derive(null, { push: true });
      $("f").focus();
    });
    name.append(link);
    const title = document.createElement("td");
    title.textContent = entry.title + (entry.aliases.length ? ` (also ${entry.aliases.join(", ")})` : "");
    const formula = document.createElement("td");
    formula.className = "tex";
    typeset(formula, entry.latex, false);
    row.append(name, title, formula);
    body.append(row);
  }
}

function start() {
  $("ask").addEventListener("submit", derive);
  $("f").addEventListener("input", onInput);
  $("input").addEventListener("change", onInput);
  $("reasons").addEventListener("click", toggleReasons);
  $("stepwise").addEventListener("click", () => setStepwise($("stepwise").getAttribute("aria-pressed") !== "true"));
  $("next-step").addEventListener("click", nextStep);
  $("all-steps").addEventListener("click", () => setStepwise(false));
  $("present-open").addEventListener("click", () => openPresent(1, true));
  $("present-next").addEventListener("click", () => stepPresent(1));
  $("present-prev").addEventListener("click", () => stepPresent(-1));
  $("present-close").addEventListener("click", () => closePresent(true));
  $("check").addEventListener("click", checkWork);
  $("hint").addEventListener("click", showHint);
  $("library-details").addEventListener("toggle", markScrollers);
  for (const a of $("downloads").querySelectorAll("a")) a.addEventListener("click", exportClick);
  document.addEventListener("keydown", onKey);
  window.addEventListener("popstate", () => fromAddress({}));
  window.addEventListener("resize", () => { if (presenting) fitPresent(); else markScrollers(); });
  if (document.fonts) document.fonts.ready.then(markScrollers);
  library();
  fromAddress({});
}

document.addEventListener("DOMContentLoaded", start);
