"""How people spell things, in one table per notation family: what a reader needs besides the grammar.

Function names are not here: each function's names (``arctanh``, ``artanh``, ``sech``, ``Phi``), the
function ``f^{-1}`` names (``arc``), a formula it is read as (``log1p``) and the line saying how a name
was read are in its entry of ``derive.knowledge.registry``; the library's names are in ``derive.knowledge.activations``;
code's names in ``derive.reading.code``.  What is here are the letters, words and symbols around them.
"""

from __future__ import annotations

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta",
    "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi",
    "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi",
    "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma",
    "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}  # fmt: skip
"""Greek letters, read as the names of what they stand for (a parameter, or σ, φ, Φ, θ applied: a function)."""

GREEK_VARIANTS = {"varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi", "varsigma": "sigma", "varrho": "rho"}
"""LaTeX's variant letters, the same letter."""

GREEK_NAMES = frozenset(GREEK.values()) | frozenset(GREEK_VARIANTS)

NAMED_FUNCTIONS_OF_OTHERS = {
    "gamma": "the gamma function",
    "Gamma": "the gamma function",
    "beta": "the beta function",
    "zeta": "the Riemann zeta function",
    "eta": "the Dirichlet eta function",
    "psi": "the digamma function",
    "Psi": "the digamma function",
    "digamma": "the digamma function",
    "polygamma": "the polygamma function",
    "loggamma": "the log-gamma function",
    "lgamma": "the log-gamma function",
}
"""Names of functions derive does not know that are also letters: directly before a bracket they are
refused (gamma(z) is not γ·z), with or without the letter's meaning; elsewhere they are parameters."""

VECTOR_FUNCTIONS = frozenset({
    "softmax", "softmin", "log_softmax", "logsoftmax", "gumbel_softmax", "sparsemax", "entmax", "glu", "maxout",
    "normalize", "layer_norm", "layernorm", "batch_norm", "batchnorm", "group_norm", "rms_norm", "rmsnorm",
    "argmax", "argmin", "logsumexp", "dropout", "attention",
})  # fmt: skip
"""Functions of a vector (or of random draws) that people name where an activation stands: refused as such,
never read as a product of letters (s·o·f·t·max(z)) or a logarithm's base (log_softmax)."""

VECTOR_REFUSAL = "is a vector function: derive differentiates functions of one variable"

FUNCTION_LETTERS = frozenset("fgh")
"""Single letters that name a function by convention: f(x) is f applied to x, never f·x (a(z + 1) is a product)."""

SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9"}
SUPERSCRIPT_LETTERS = {
    "ᵃ": "a", "ᵇ": "b", "ᶜ": "c", "ᵈ": "d", "ᵉ": "e", "ᶠ": "f", "ᵍ": "g", "ʰ": "h", "ⁱ": "i", "ʲ": "j", "ᵏ": "k",
    "ˡ": "l", "ᵐ": "m", "ⁿ": "n", "ᵒ": "o", "ᵖ": "p", "ʳ": "r", "ˢ": "s", "ᵗ": "t", "ᵘ": "u", "ᵛ": "v", "ʷ": "w",
    "ˣ": "x", "ʸ": "y", "ᶻ": "z",
}  # fmt: skip
"""Unicode's modifier letters, as people type an exponent: eˣ, e⁻ᶻ, 2ᵗ."""

SUBSCRIPTS = {"₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6", "₇": "7", "₈": "8", "₉": "9"}

SYMBOLS = {
    "·": "*", "×": "*", "∗": "*", "⋅": "*", "÷": "/", "−": "-", "–": "-", "≤": "<=", "≥": ">=", "≠": "!=",
    "**": "^", ":=": ":=", "≔": ":=", "′": "'", "∧": "&", "∨": "or", "│": "|", "∣": "|", "⎮": "|",
}  # fmt: skip
"""Unicode and two-character spellings of the operators (│ as SymPy's pretty printer writes |u|)."""

SYMBOL_NAMES = {"ℯ": "E", "∞": "oo", "∂": "∂"}
"""Symbols that are names: ℯ (SymPy's pretty e), ∞, and ∂ of ∂/∂z."""

ROOTS = {"√": "sqrt", "∛": "cbrt"}
"""Radical signs: √u and ∛u (the real cube root)."""

OPERATORS = ("<=", ">=", "!=", ":=", "+", "-", "*", "/", "^", "(", ")", "{", "}", "[", "]", ",", ";", "|", "&", "<",
             ">", "=", "'", ".")  # fmt: skip

NOT_REAL = {"zoo": "SymPy's complex infinity", "nan": "not a number", "I": None, "j": None}
"""Words for what is no real number: refused (I and j only in code, where they are the imaginary unit)."""

WORDS = {"and": "&", "or": "or", "if": "if", "for": "if", "when": "if", "otherwise": "otherwise", "else": "otherwise"}
"""Words that are operators in math notation: conditions (z > 0 and z < 1), and the pieces of a piecewise
function as derive's text writes it ({z if z > 0; 0 otherwise})."""

# --- LaTeX ---------------------------------------------------------------------

LATEX_OPERATORS = {
    "cdot": "*", "times": "*", "ast": "*", "div": "/", "le": "<=", "leq": "<=", "leqslant": "<=",
    "ge": ">=", "geq": ">=", "geqslant": ">=", "lt": "<", "gt": ">", "ne": "!=", "neq": "!=",
    "vert": "|", "lvert": "|", "rvert": "|", "mid": "|", "land": "&", "wedge": "&", "lor": "or", "vee": "or",
    "lbrace": "{", "rbrace": "}", "lbrack": "[", "rbrack": "]", "coloneqq": ":=", "coloneq": ":=",
    "prime": "'",
}  # fmt: skip
LATEX_NAMES = {"infty": "oo", "partial": "∂"}
"""Commands that are names."""
LATEX_IGNORED = {
    ",", ";", ":", "!", ">", " ", "quad", "qquad", "enspace", "thinspace", "displaystyle", "textstyle",
    "limits", "nolimits", "notag", "nonumber", "(", ")", "[", "]", "left", "right", "middle", "big", "Big",
    "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr",
}  # fmt: skip
"""Spacing, sizes of brackets and display markers: nothing to read (\\left( is a bracket, \\left. nothing)."""
LATEX_SIZED = {"left", "right", "middle", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl",
               "biggr", "Biggl", "Biggr"}  # fmt: skip
"""The commands before a bracket: \\right. (the empty bracket) is read as nothing."""
LATEX_WORDS = {"operatorname", "mathrm", "text", "textrm", "mathit", "textit", "mathsf", "mathbf", "boldsymbol",
               "textnormal", "mbox"}  # fmt: skip
"""Commands around a word: \\operatorname{softplus}, \\mathrm{e}, \\text{otherwise}."""
LATEX_FRACTIONS = {"frac", "dfrac", "tfrac", "cfrac"}
LATEX_PIECEWISE = {"cases", "dcases", "cases*", "array", "matrix"}
"""Environments read as a piecewise function: cases, and an array inside \\left\\{ ... \\right."""
LATEX_SKIPPED_ARGUMENT = {"hspace", "vspace", "hspace*", "mathstrut", "phantom"}
"""Commands whose argument is spacing."""

FILLERS = {"", "if", "for", "when", "where", "and", ",", ";", "if,", "for all"}
"""The words around a condition of cases: \\text{if } z > 0."""
OTHERWISE = {"otherwise", "else", "elsewhere", "otherwise,", "otherwise.", "else,", "if otherwise"}
"""The last row's condition, in words."""
