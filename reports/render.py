"""The one Jinja environment of Abri's reports: templates in reports/templates/, strict
undefined (a missing value fails the render instead of printing nothing), HTML autoescaped,
Markdown values escaped for Markdown.

Long documents (the CRPA notice, the model card, the datasheet) are one Markdown template per
language, `<name>.<lang>.md.j2`, so a jurist reviews a document in one file: `render_localised`
renders it and `markdown_page` derives the self-contained HTML page from the same text."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

TEMPLATES = Path(__file__).with_name("templates")
LANGS = ("fr", "en")

# characters that would turn a value into Markdown markup (emphasis, link, image, code, raw HTML,
# a table cell's end); a value's line breaks would start a new block
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def escape_markdown(value: object) -> object:
    """A value as literal text in Markdown (every expression of a Markdown template goes
    through it, as HTML templates autoescape)."""
    if isinstance(value, Markup):  # a template's own block already escaped
        return value
    if isinstance(value, str):
        return _MD_SPECIAL.sub(r"\\\1", " ".join(value.splitlines()))
    return value


@cache
def environment(*, markdown: bool = False) -> jinja2.Environment:
    """HTML (autoescaped) or Markdown (values escaped by `escape_markdown`)."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=not markdown,
                              undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True, finalize=escape_markdown if markdown else None)


def render(template: str, *, lang: str | None = None, t: Callable[..., str] | None = None,
           markdown: bool = False, **view: object) -> str:
    """`template` rendered with `view`; `t(key, **values)` in the template is the catalogue in
    `lang`."""
    context: dict[str, object] = dict(view)
    if lang is not None:
        context["lang"] = lang
    if t is not None:
        context["t"] = lambda key, **kw: t(key, lang, **kw)
    return environment(markdown=markdown).get_template(template).render(**context)


def render_localised(name: str, lang: str, **view: object) -> str:
    """The Markdown document `<name>.<lang>.md.j2` rendered with `view` (figures already
    formatted in `lang`); an unknown language or a missing value raises."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    return render(f"{name}.{lang}.md.j2", lang=lang, t=None, markdown=True, **view)


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-") or "section"


def markdown_page(text: str, *, lang: str, toc: str | None = None) -> str:
    """The self-contained HTML page (inline CSS, no script, no external resource) of a Markdown
    document: its first heading is the title, level-2 headings get an id and, with `toc` (the
    word "Contents" in `lang`), a table of contents. Raw HTML in the text is shown as text."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    tokens = md.parse(text)
    title, sections = "", list[tuple[str, str]]()
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            inline = tokens[i + 1].content
            if tok.tag == "h1" and not title:
                title = inline
            elif tok.tag == "h2":
                anchor = _slug(inline)
                while anchor in (s[0] for s in sections):
                    anchor += "-"
                tok.attrSet("id", anchor)
                sections.append((anchor, inline))
    # the table of contents goes after the header (what comes before the first section)
    cut = next((i for i, tok in enumerate(tokens) if tok.type == "heading_open" and tok.tag == "h2"),
               len(tokens))
    header, body = (md.renderer.render(part, md.options, {}) for part in (tokens[:cut], tokens[cut:]))
    return render("markdown_page.html.j2", lang=lang, title=_plain(title), header=Markup(header),
                  body=Markup(body), toc=toc if len(sections) > 2 else None,
                  sections=[(a, _plain(h)) for a, h in sections])


def _plain(inline: str) -> str:
    """A heading's text without its Markdown escapes and emphasis marks (for <title>, the table
    of contents)."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parseInline(inline)
    return "".join(c.content for t in tokens for c in (t.children or []) if c.type in ("text", "code_inline"))
