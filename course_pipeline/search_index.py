"""The search index, one per language, made to read well in the search results.

The theme's search worker builds its index in the browser from each entry's `title` and `text`, and shows those
same strings, with the query's words marked, as the results' previews. Two things in them are for the index only
and would show:

- Between the Chinese words jieba cuts, the search plugin puts zero-width spaces (U+200B), so that the worker
  splits the text into words. A zero-width space also lets a line break there, so previews start lines with
  「。」 or 「）」, which Chinese typesetting never does. A zero-width non-joiner (U+200C) does the splitting just
  as well (it joins the index's separator) and changes no line break.
- Math is kept as LaTeX source (`\\(\\eta\\)`, `\\[ \\frac{1}{N} ... \\]`), which KaTeX typesets on the pages but
  not in previews: it becomes plain text (η, 1/N, ŷ, x²), still searchable by its words.

docs/assets/javascripts/search.js fixes what the worker's query side gets wrong for Chinese (a found word shown as
missing).
"""

import json
import re
import unicodedata

WORD_BREAK = "\u200b"  # what the search plugin puts between the Chinese words jieba cuts
JOINER = "\u200c"  # the same split for the index, and no line break
MATH = re.compile(r"\\\((?P<inline>.*?)\\\)|\\\[(?P<display>.*?)\\\]|\$\$(?P<dollars>.*?)\$\$", re.S)

SYMBOLS = {
    **{
        name: chr(code)
        for name, code in (
            ("alpha", 0x3B1), ("beta", 0x3B2), ("gamma", 0x3B3), ("delta", 0x3B4), ("epsilon", 0x3F5),
            ("varepsilon", 0x3B5), ("zeta", 0x3B6), ("eta", 0x3B7), ("theta", 0x3B8), ("iota", 0x3B9),
            ("kappa", 0x3BA), ("lambda", 0x3BB), ("mu", 0x3BC), ("nu", 0x3BD), ("xi", 0x3BE), ("pi", 0x3C0),
            ("rho", 0x3C1), ("sigma", 0x3C3), ("tau", 0x3C4), ("phi", 0x3D5), ("varphi", 0x3C6), ("chi", 0x3C7),
            ("psi", 0x3C8), ("omega", 0x3C9), ("Gamma", 0x393), ("Delta", 0x394), ("Theta", 0x398),
            ("Lambda", 0x39B), ("Sigma", 0x3A3), ("Phi", 0x3A6), ("Omega", 0x3A9),
        )
    },  # fmt: skip
    "partial": "∂", "nabla": "∇", "infty": "∞", "ell": "ℓ", "cdot": "·", "times": "×", "div": "÷", "pm": "±",
    "sum": "∑", "prod": "∏", "int": "∫", "approx": "≈", "ne": "≠", "neq": "≠", "le": "≤",
    "leq": "≤", "ge": "≥", "geq": "≥", "in": "∈", "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←",
    "mapsto": "↦", "top": "ᵀ", "dots": "…", "ldots": "…", "cdots": "⋯", "odot": "⊙", "circ": "∘",
    "lceil": "⌈", "rceil": "⌉", "lfloor": "⌊", "rfloor": "⌋", "mid": "|", "lVert": "‖", "rVert": "‖",
    "quad": " ", "qquad": " ", "left": "", "right": "", "displaystyle": "",
}  # fmt: skip
ACCENTS = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303", "dot": "\u0307", "vec": "\u20d7"}
FONTS = ("text", "mathrm", "texttt", "mathbf", "mathit", "mathsf", "mathcal", "boldsymbol", "operatorname", "textbf")
SUPERSCRIPTS = dict(zip("0123456789+-=()niT", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀ", strict=True))
SUBSCRIPTS = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True))
LITERAL = {"_": "\ue000", "^": "\ue003", "{": "\ue001", "}": "\ue002"}  # escaped, kept apart meanwhile
GROUP = r"\{(?P<NAME>[^{}]*)\}"  # a brace group with no group inside: the converter works from the inside out


def split_by_language(project, combined):
    """One search index per language, each with that language's pages only: half the bytes for every page to
    load, and results in the page's own language; each entry made readable (see the module's docstring).

    mkdocs-static-i18n writes one index with every language's pages at the site root. The root keeps the default
    language's pages; /<code>/ gets another language's, and its pages look for their index there (see
    on_post_page).
    """
    if not combined.exists():
        return
    index = json.loads(combined.read_text(encoding="utf-8"))
    others = [language for language in project.languages if not language.default]

    def language_of(doc):
        return next(
            (language for language in others if doc["location"].startswith(language.url_prefix)),
            project.default_language,
        )

    found = [language_of(doc) for doc in index["docs"]]
    if len(set(found)) < len(project.languages):
        return  # one language's build, not the final index yet
    config = {**index["config"], "separator": _with_joiner(index["config"]["separator"])}
    for language in project.languages:
        folder = combined.parent if language.default else combined.parent.parent / language.code / "search"
        docs = [
            {
                **doc,
                "location": doc["location"].removeprefix(language.url_prefix),
                "title": readable(doc["title"]),
                "text": readable(doc["text"]),
            }
            for doc, its in zip(index["docs"], found)
            if its == language
        ]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "search_index.json").write_text(
            json.dumps({**index, "config": config, "docs": docs}, ensure_ascii=False), encoding="utf-8"
        )


def _with_joiner(separator: str) -> str:
    """The index's separator (a regular expression), splitting at the joiner too."""
    if JOINER in separator or "\\u200c" in separator:
        return separator
    if "\\u200b" in separator:
        return separator.replace("\\u200b", "\\u200b\\u200c", 1)
    return f"(?:{separator})|{JOINER}+"


def readable(text: str) -> str:
    """An index entry's title or text as its preview should read: words split by the joiner, math as text."""
    text = MATH.sub(lambda match: plain_math(next(group for group in match.groups() if group is not None)), text)
    return text.replace(WORD_BREAK, JOINER)


def plain_math(latex: str) -> str:
    """LaTeX as plain text: `\\frac{\\partial L}{\\partial w}` -> `∂L/∂w`, `\\hat{y}_i^2` -> `ŷᵢ²`."""
    text = latex.replace("\\,", " ").replace("\\;", " ").replace("\\ ", " ").replace("\\!", "")
    text = re.sub(r"\\([{}_%&#$])", lambda match: LITERAL.get(match[1], match[1]), text).replace("\\|", "‖")
    text = re.sub(r"\\([A-Za-z]+)", lambda match: SYMBOLS.get(match[1], match[0]), text)
    text = re.sub(r"([∂∇])\s+", r"\1", text)
    while True:  # the structure, innermost groups first
        before = text
        text = re.sub(rf"\\(?:{'|'.join(FONTS)})\s*" + GROUP.replace("NAME", "body"), lambda match: match["body"], text)
        text = re.sub(
            r"\\frac\s*" + GROUP.replace("NAME", "top") + r"\s*" + GROUP.replace("NAME", "bottom"),
            lambda match: f"{_grouped(match['top'])}/{_grouped(match['bottom'])}",
            text,
        )
        text = re.sub(r"\\sqrt\s*" + GROUP.replace("NAME", "body"), lambda match: "√" + _grouped(match["body"]), text)
        text = re.sub(
            rf"\\({'|'.join(ACCENTS)})\s*(?:{GROUP.replace('NAME', 'body')}|(?P<letter>\w))",
            lambda match: "".join(char + ACCENTS[match[1]] for char in (match["body"] or match["letter"])),
            text,
        )
        text = re.sub(r"([_^])" + GROUP.replace("NAME", "body"), lambda match: _script(match[1], match["body"]), text)
        if text == before:
            break
    text = re.sub(r"\\([A-Za-z]+)", lambda match: "√" if match[1] == "sqrt" else match[1], text)  # e.g. \max
    text = re.sub(r"([_^])\s*([^\s{}])", lambda match: _script(match[1], match[2]), text)
    text = text.replace("{", "").replace("}", "").translate({ord(code): char for char, code in LITERAL.items()})
    return unicodedata.normalize("NFC", re.sub(r"[ \t\n]+", " ", text).strip())  # ŷ as one character


def _grouped(text: str) -> str:
    """A fraction's part, in parentheses when it is more than one term."""
    return f"({text.strip()})" if re.search(r"[\s+\-=/]", text.strip()) else text.strip()


def _script(kind: str, body: str) -> str:
    """A superscript (^) or subscript (_) in Unicode where it has the characters, else ^... or _..."""
    body = body.strip()
    table = SUPERSCRIPTS if kind == "^" else SUBSCRIPTS
    if body == "ᵀ":
        return body
    if body and all(char in table for char in body):
        return "".join(table[char] for char in body)
    mark = LITERAL[kind]  # not read as a script again
    return f"{mark}{body}" if re.fullmatch(r"\w+", body) else f"{mark}({body})"
