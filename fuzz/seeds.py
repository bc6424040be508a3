"""Seed inputs per kind, made by the project's own generator and renderers (never real documents)."""

from __future__ import annotations

import io
import json
import random
import tempfile
from pathlib import Path

KINDS = (
    "text",
    "html",
    "docx",
    "pdf",
    "image",
    "xlsx_form",
    "yaml_form",
    "json_form",
    "csv_register",
    "xlsx_register",
    "registry",
)


def _specs(n: int):
    from gongkai.examples.generate import random_spec

    return [random_spec(random.Random(i)) for i in range(n)]


def _form_dict(spec) -> dict:
    from gongkai.forms.model import ReportForm

    form = ReportForm(
        organization=spec.organization,
        year=spec.year,
        format_id=spec.format_id,
        published=spec.published,
        body_kind=spec.body_kind,
        values={k: v for k, v in spec.values.items()},
        texts={k: list(v) for k, v in spec.texts.items()},
    )
    return form.to_dict()


def seeds(kind: str, n: int = 2) -> list[bytes]:
    """``n`` seeds of ``kind`` (fewer for PDF and images, which are slow to make); [] when a tool is missing."""
    specs = _specs(n)
    if kind == "text":
        from gongkai.render.layouts import LAYOUTS, render_text

        return [
            render_text(
                s, sorted(LAYOUTS)[i % len(LAYOUTS)] if not s.has_blanks else "pipe_rows", random.Random(i)
            ).encode("utf-8")
            for i, s in enumerate(specs)
        ]
    if kind == "html":
        from gongkai.render.html import render_html

        return [render_html(s, random.Random(i)) for i, s in enumerate(specs)]
    if kind == "docx":
        from gongkai.render.docx import render_docx

        return [render_docx(s, random.Random(i)) for i, s in enumerate(specs)]
    if kind == "pdf":
        from gongkai.errors import GongkaiError
        from gongkai.render.pdf import render_pdfs

        with tempfile.TemporaryDirectory() as tmp:
            try:
                paths = render_pdfs([(specs[0], random.Random(0))], tmp)
            except GongkaiError:
                return []
            return [p.read_bytes() for p in paths]
    if kind == "image":
        return [_image(s) for s in specs[:1]]
    if kind == "xlsx_form":
        from gongkai.forms.model import ReportForm
        from gongkai.forms.xlsx import write_xlsx_template

        out = []
        with tempfile.TemporaryDirectory() as tmp:
            for i, s in enumerate(specs):
                form = ReportForm.from_dict(_form_dict(s))
                out.append(write_xlsx_template(Path(tmp) / f"{i}.xlsx", s.year, s.format_id, form).read_bytes())
        return out
    if kind == "yaml_form":
        import yaml

        return [yaml.safe_dump(_form_dict(s), allow_unicode=True, sort_keys=False).encode() for s in specs]
    if kind == "json_form":
        return [json.dumps(_form_dict(s), ensure_ascii=False, indent=1).encode() for s in specs]
    if kind == "csv_register":
        from gongkai.examples.registers import random_applications, write_csv

        out = []
        with tempfile.TemporaryDirectory() as tmp:
            for i in range(n):
                reg = random_applications(random.Random(i), 2024, n=40)
                p = Path(tmp) / f"{i}.csv"
                write_csv(reg, p)
                out.append(p.read_bytes())
        return out
    if kind == "xlsx_register":
        from gongkai.examples.registers import random_applications, write_xlsx

        out = []
        with tempfile.TemporaryDirectory() as tmp:
            for i in range(n):
                p = Path(tmp) / f"{i}.xlsx"
                write_xlsx(random_applications(random.Random(i), 2024, n=40), p)
                out.append(p.read_bytes())
        return out
    if kind == "registry":  # the organization registry, as YAML and as JSON
        import yaml

        from gongkai.examples.region import generate_region

        text = generate_region(1, departments=6, years=(2022, 2023, 2024), plant=False).registry_yaml
        return [text.encode(), json.dumps(yaml.safe_load(text), ensure_ascii=False, indent=1).encode()]
    raise ValueError(f"unknown kind {kind}")


def _image(spec) -> bytes:
    """A small PNG of the report's first lines (the OCR path sees a real page-like image)."""
    from PIL import Image, ImageDraw

    from gongkai.render.layouts import render_text

    lines = render_text(spec, "pipe_rows").splitlines()[:6]
    img = Image.new("L", (360, 20 * len(lines) + 10), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((5, 5 + 20 * i), line.encode("ascii", "replace").decode(), fill=0)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()
