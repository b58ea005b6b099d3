// Renders every LaTeX string of a JSON array (stdin) with KaTeX in strict mode; prints the failures as JSON.
const katex = require("katex");
const input = require("fs").readFileSync(0, "utf8");
const failures = [];
for (const tex of JSON.parse(input)) {
  try {
    katex.renderToString(tex, { throwOnError: true, strict: "error", displayMode: true });
  } catch (err) {
    failures.push({ tex, error: String(err.message || err) });
  }
}
process.stdout.write(JSON.stringify({ version: katex.version, rendered: JSON.parse(input).length, failures }));
