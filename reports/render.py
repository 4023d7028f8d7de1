"""The one Jinja environment of Abri's reports: templates in reports/templates/, strict
undefined (a missing value fails the render instead of printing nothing), HTML autoescaped."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).with_name("templates")


@cache
def environment(*, markdown: bool = False) -> jinja2.Environment:
    """HTML (autoescaped) or Markdown (not escaped: the reader is a Markdown renderer)."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=not markdown,
                              undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True)


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
