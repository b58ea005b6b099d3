// derive's page: every reading, derivation and marking is the server's (its API is the CLI's), and so are
// its lists (the notations, the exports: written into the page from derive's registries); this script only
// asks and typesets (KaTeX, from this server), and keeps the URL the page's state.
"use strict";

const $ = (id) => document.getElementById(id);
const DEBOUNCE_MS = 250;
let previewTimer = null;
let previewAsked = 0;

function params(extra) {
  const p = new URLSearchParams({ f: $("f").value, input: $("input").value });
  for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
  return p;
}

function typeset(element, tex, display) {
  element.textContent = "";
  katex.render(tex, element, { displayMode: !!display, throwOnError: false, output: "html" });
  element.dataset.tex = tex;
}

async function ask(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  const text = await response.text();
  let data = null;
  try { data = JSON.parse(text); } catch (e) { data = null; }
  return { ok: response.ok, status: response.status, data, text };
}

function showProblem(message, column) {
  const box = $("problem");
  box.textContent = "";
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
  const asked = ++previewAsked;
  const text = $("f").value.trim();
  if (!text) { $("reading").textContent = ""; $("conventions").textContent = ""; showProblem(""); return; }
  const answer = await ask("/api/read?" + params());
  if (asked !== previewAsked) return; // a newer keystroke asked since
  $("conventions").textContent = "";
  if (!answer.ok) {
    $("reading").textContent = "";
    showProblem(answer.data ? answer.data.error : "the server did not answer", answer.data && answer.data.column);
    return;
  }
  showProblem("");
  const d = answer.data;
  const name = d.function === "g" ? "g" : d.function;
  const head = `${name}(${d.variable}) = ${d.latex}` + (d.latex !== d.written_out ? ` = ${d.written_out}` : "");
  typeset($("reading"), (d.order ? `\\frac{d${d.order > 1 ? "^" + d.order : ""}}{d${d.variable}${d.order > 1 ? "^" + d.order : ""}} ` : "") + head);
  for (const c of d.conventions) {
    const li = document.createElement("li");
    li.textContent = "read " + c;
    $("conventions").append(li);
  }
}

function onInput() {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(preview, DEBOUNCE_MS);
}

function split(latex) {
  // "g(z) = rhs" -> ["g(z)", "= rhs"]; "= rhs" -> ["", "= rhs"]: aligned on '=' as derive's page sets them
  if (latex.startsWith("= ")) return ["", latex];
  const at = latex.indexOf(" = ");
  return at < 0 ? ["", latex] : [latex.slice(0, at), latex.slice(at + 1)];
}

async function derive(event) {
  if (event) event.preventDefault();
  clearTimeout(previewTimer);
  preview();
  const order = $("order").value;
  const url = new URL(window.location.href);
  url.search = new URLSearchParams({ f: $("f").value, order, ...($("input").value !== "auto" ? { input: $("input").value } : {}) });
  history.replaceState(null, "", url);
  const answer = await ask("/api/steps?" + params({ format: "json", order }));
  if (!answer.ok) {
    $("result").hidden = true;
    showProblem(answer.data ? answer.data.error : "the server did not answer", answer.data && answer.data.column);
    return;
  }
  const d = Array.isArray(answer.data) ? answer.data[0] : answer.data;
  $("title").textContent = d.name === d.input ? "Steps" : "Steps: " + d.name;
  const body = $("steps").querySelector("tbody");
  body.textContent = "";
  for (const step of d.steps) {
    const [lhs, rhs] = split(step.latex);
    const row = document.createElement("tr");
    const left = document.createElement("td"); left.className = "lhs math";
    const right = document.createElement("td"); right.className = "rhs math";
    const why = document.createElement("td"); why.className = "why";
    const rule = document.createElement("span"); rule.className = "rule"; rule.textContent = step.rule;
    why.append(rule, ": " + step.why);
    if (lhs) typeset(left, lhs); else left.dataset.tex = "";
    typeset(right, rhs);
    row.append(left, right, why);
    body.append(row);
  }
  const notes = $("notes");
  notes.textContent = "";
  const note = (text, cls) => { const p = document.createElement("p"); if (cls) p.className = cls; p.textContent = text; notes.append(p); };
  for (const c of d.conventions || []) note("Read " + c + ".");
  if (d.output_form_status !== "found") note(d.output_form_reason, "verdict");
  for (const at of d.not_differentiable_at || []) note(`g is not differentiable at ${d.variable} = ${at}.`);
  $("plot").src = "/api/plot?" + params();
  // the exports are the server's (from its registries): each link gets this input's address
  for (const a of $("downloads").querySelectorAll("a")) {
    const extra = Object.fromEntries(new URLSearchParams(a.dataset.query));
    a.href = a.dataset.path + "?" + params({ ...extra, order, download: "1" });
  }
  $("result").hidden = false;
}

function toggleReasons() {
  const button = $("reasons");
  const shown = button.getAttribute("aria-pressed") === "true";
  button.setAttribute("aria-pressed", shown ? "false" : "true");
  button.textContent = shown ? "Show the reasons" : "Hide the reasons";
  $("steps").classList.toggle("no-reasons", shown);
}

async function checkWork() {
  const marks = $("marks");
  marks.textContent = "Checking…";
  const response = await fetch("/api/mark", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ f: $("f").value || "sigmoid", submission: $("submission").value, format: "json" }),
  });
  const data = await response.json().catch(() => null);
  marks.textContent = "";
  if (!response.ok) { marks.textContent = data ? data.error : "the server did not answer"; return; }
  const list = document.createElement("ol");
  list.className = "marks";
  for (const line of data.lines) {
    const li = document.createElement("li");
    const sign = document.createElement("span");
    sign.className = line.verdict === "right" ? "mark-right" : "mark-wrong";
    sign.textContent = line.verdict === "right" ? "✓ " : "✗ ";
    sign.setAttribute("aria-label", line.verdict);
    const text = document.createElement("code");
    text.textContent = line.text;
    const reason = document.createElement("span");
    reason.className = "mark-reason";
    let said = line.verdict === "right" ? "right: equals " + line.quantity : line.reason;
    if (line.differs_at) said += `; at z = ${line.differs_at.z} it is ${line.differs_at.written.toPrecision(6)}, not ${line.differs_at.right.toPrecision(6)}`;
    if (line.mistake) said += `; mistake ${line.mistake.kind}: ${line.mistake.explanation}`;
    reason.textContent = said;
    li.append(sign, text, reason);
    list.append(li);
  }
  const summary = document.createElement("p");
  summary.textContent = data.first_wrong ? `The first line that is not right: line ${data.first_wrong}.` : "Every line is right.";
  marks.append(summary, list);
}

function start() {
  $("ask").addEventListener("submit", derive);
  $("f").addEventListener("input", onInput);
  $("input").addEventListener("change", onInput);
  $("reasons").addEventListener("click", toggleReasons);
  $("check").addEventListener("click", checkWork);
  const given = new URLSearchParams(window.location.search);
  if (given.get("order")) $("order").value = given.get("order");
  if (given.get("input")) $("input").value = given.get("input");
  if (given.get("f")) { $("f").value = given.get("f"); derive(); }
}

document.addEventListener("DOMContentLoaded", start);
