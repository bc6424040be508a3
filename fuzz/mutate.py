"""Mutations: byte-level (flips, truncation, splices), text-level (digit runs, nesting, duplicated lines) and
structural ones inside zip packages (DOCX, XLSX), plus the security payloads named in issue 12."""

from __future__ import annotations

import io
import random
import zipfile

PAYLOADS = (
    b"9" * 5000,  # past int()'s digit limit
    b"<!-- c -->",
    b"<div>" * 3000,
    b'<td colspan="' + b"9" * 5000 + b'">',
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;',
    b"&undefined;",
    b"a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b]\n",
    b"!!python/object/apply:os.system ['true']",
    b"[" * 5000,
    b"1e400",
    b".inf",
    b"2025-02-30",
    b"=1+1",
    b"../../etc/x",
    b"\x00\xff\xfe",
)


def _bytes(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    op = rng.randrange(7)
    if not b:
        return bytes(rng.choice(PAYLOADS))
    if op == 0:  # flip a few bytes
        for _ in range(rng.randint(1, 8)):
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    elif op == 1:  # truncate
        del b[rng.randrange(len(b)) :]
    elif op == 2:  # insert a payload
        i = rng.randrange(len(b) + 1)
        b[i:i] = rng.choice(PAYLOADS)
    elif op == 3:  # duplicate a chunk
        i = rng.randrange(len(b))
        j = min(len(b), i + rng.randint(1, 2000))
        b[i:i] = b[i:j] * rng.randint(2, 20)
    elif op == 4:  # delete a chunk
        i = rng.randrange(len(b))
        del b[i : i + rng.randint(1, 500)]
    elif op == 5:  # a long digit run inside the text
        i = rng.randrange(len(b) + 1)
        b[i:i] = b"1" * rng.choice((50, 200, 5000, 30000))
    else:  # set random bytes to interesting values
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(len(b))] = rng.choice((0, 0xFF, 0x7F, 0x80, ord("<"), ord(">"), ord("&"), ord("\n")))
    return bytes(b)


def _zip(rng: random.Random, data: bytes) -> bytes:
    """Mutate one XML member of a zip package and write it back (the package stays a valid zip)."""
    try:
        src = zipfile.ZipFile(io.BytesIO(data))
        names = src.namelist()
        members = {n: src.read(n) for n in names}
    except Exception:  # noqa: BLE001 - an already broken package gets byte mutations only
        return _bytes(rng, data)
    xml = [n for n in names if n.endswith(".xml")]
    if not xml:
        return _bytes(rng, data)
    target = rng.choice(xml)
    members[target] = _bytes(rng, members[target])
    if rng.random() < 0.1:  # drop a member
        members.pop(rng.choice(names), None)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for n, b in members.items():
            dst.writestr(n, b)
    return out.getvalue()


def mutate(kind: str, rng: random.Random, seed: bytes) -> bytes:
    """One mutated input; 1–3 stacked mutations, structural for zip-based kinds half of the time."""
    data = seed
    for _ in range(rng.randint(1, 3)):
        if kind in ("docx", "xlsx_form", "xlsx_register") and rng.random() < 0.5:
            data = _zip(rng, data)
        else:
            data = _bytes(rng, data)
    return data
