"""Builders of test inputs: ordinary PDFs (fpdf2/pypdf) and hostile files (bombs), all made in memory.

Every text here is illustrative, written for the tests; none is an official document.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

__all__ = [
    "running_header_pdf",
    "hyphenated_pdf",
    "styled_lines_pdf",
    "columns_pdf",
    "image_page_pdf",
    "encrypt_pdf",
    "truncated_pdf",
    "raw_pdf",
    "many_pages_pdf",
    "flate_bomb_pdf",
    "slow_pdf",
    "zip_bytes",
    "docx_bytes",
    "docx_ratio_bomb",
    "BILLION_LAUGHS",
    "EXTERNAL_ENTITY",
]

HEADER = "Illustrative Ministry Bulletin - not an official text"


def _fpdf():
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="pt")
    pdf.core_fonts_encoding = "windows-1252"  # en dashes, curly quotes and the euro sign in the core fonts
    pdf.set_auto_page_break(False)
    pdf.set_margins(72, 72, 72)
    return pdf


def _output(pdf) -> bytes:
    return bytes(pdf.output())


def running_header_pdf(bodies: list[list[str]], header: str = HEADER, numbering: str = "Page {n} of {total}") -> bytes:
    """A PDF with one page per entry of ``bodies`` (each a list of lines), a running header on every page and a
    page number at the foot of every page."""
    pdf = _fpdf()
    total = len(bodies)
    for n, lines in enumerate(bodies, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=9)
        pdf.set_xy(72, 40)
        pdf.cell(0, 10, header)
        pdf.set_font("Helvetica", size=11)
        y = 100
        for line in lines:
            if line == "":
                y += 14  # blank line: a paragraph gap
                continue
            pdf.set_xy(72, y)
            pdf.cell(0, 14, line)
            y += 14
        pdf.set_font("Helvetica", size=9)
        pdf.set_xy(72, 800)
        pdf.cell(0, 10, numbering.format(n=n, total=total))
    return _output(pdf)


def hyphenated_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with exactly these lines, one under the other (line-end hyphens included)."""
    pdf = _fpdf()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    y = 100
    for line in lines:
        pdf.set_xy(72, y)
        pdf.cell(0, 14, line)
        y += 14
    return _output(pdf)


def styled_lines_pdf(lines: list[tuple[str, str, int]]) -> bytes:
    """A one-page PDF of ``(text, style, size)`` lines, e.g. ``("Heading", "B", 14)``, one under the other."""
    pdf = _fpdf()
    pdf.add_page()
    y = 100
    for text, style, size in lines:
        pdf.set_font("Helvetica", style=style, size=size)
        pdf.set_xy(72, y)
        pdf.cell(0, size + 3, text)
        y += size + 3
    return _output(pdf)


def columns_pdf(title: str, columns: list[list[str]], pages: int = 1, header: str | None = None) -> bytes:
    """Pages of ``len(columns)`` text columns side by side (each a list of lines, starting at the same height),
    with a full-width bold ``title`` above them on the first page and an optional running ``header`` with the
    page number. ``{p}`` in a line becomes the page's ordinal word (first, second, ...), so pages differ."""
    ordinals = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
    pdf = _fpdf()
    width = (pdf.w - 144 - 24 * (len(columns) - 1)) / len(columns)
    for n in range(1, pages + 1):
        pdf.add_page()
        if header:
            pdf.set_font("Helvetica", size=8)
            pdf.set_xy(72, 40)
            pdf.cell(0, 10, f"{header} {n}")
        if n == 1:
            pdf.set_font("Helvetica", style="B", size=14)
            pdf.set_xy(72, 80)
            pdf.cell(0, 16, title)
        pdf.set_font("Helvetica", size=10)
        for c, lines in enumerate(columns):
            x = 72 + c * (width + 24)
            y = 120
            for line in lines:
                pdf.set_xy(x, y)
                pdf.cell(width, 13, line.replace("{p}", ordinals[(n - 1) % 10]))
                y += 13
    return _output(pdf)


def _png(width: int = 400, height: int = 300) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    for i in range(0, width, 20):
        draw.line((i, 0, width - i, height), fill=(i % 255, 40, 120), width=3)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def image_page_pdf(text_pages: list[list[str]], image_pages: int, label: str | None = None) -> bytes:
    """Text pages followed by ``image_pages`` pages that are one full-page image each (optionally with a short
    text ``label``, as a scanner or an image converter sometimes adds)."""
    pdf = _fpdf()
    for lines in text_pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        y = 100
        for line in lines:
            pdf.set_xy(72, y)
            pdf.cell(0, 14, line)
            y += 14
    png = io.BytesIO(_png())
    for _ in range(image_pages):
        pdf.add_page()
        png.seek(0)
        pdf.image(png, x=0, y=0, w=pdf.w, h=pdf.h)
        if label:
            pdf.set_font("Helvetica", size=8)
            pdf.set_xy(20, 20)
            pdf.cell(0, 10, label)
    return _output(pdf)


def encrypt_pdf(data: bytes, user_password: str, algorithm: str = "AES-128") -> bytes:
    """Return ``data`` encrypted with pypdf (user password required to open)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(data)).pages:
        writer.add_page(page)
    writer.encrypt(user_password=user_password, owner_password=user_password + "-owner", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncated_pdf(data: bytes, keep: float = 0.4) -> bytes:
    """The first ``keep`` share of a PDF's bytes (a download cut short)."""
    return data[: int(len(data) * keep)]


# -- hand-built PDFs -----------------------------------------------------------------------------------------


def raw_pdf(objects: list[bytes | tuple[bytes, bytes]]) -> bytes:
    """Serialize objects 1..n (a dictionary, or ``(dictionary, stream_data)``) with a correct xref table.

    Object 1 must be the catalog.
    """
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        if isinstance(obj, tuple):
            head, data = obj
            out += b"%d 0 obj\n%s\nstream\n" % (number, head)
            out += data
            out += b"\nendstream\nendobj\n"
        else:
            out += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _page(content_ref: int) -> bytes:
    return (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
        b"/Resources << /Font << /F1 3 0 R >> >> >>" % content_ref
    )


def many_pages_pdf(pages: int, count: int | None = None, text: bytes = b"Illustrative page") -> bytes:
    """A PDF with ``pages`` real pages sharing one content stream; ``/Count`` says ``count`` (default: the
    truth). Built byte by byte, so 5,000 pages take milliseconds."""
    content = b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % text
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    objects: list = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages if count is None else count),
        _FONT,
        (b"<< /Length %d >>" % len(content), content),
    ]
    objects += [_page(4)] * pages
    return raw_pdf(objects)


def _zero_deflate(size: int) -> bytes:
    """A zlib stream that inflates to ``size`` zero bytes, built without compressing them all (identical
    full-flush blocks are repeated; the Adler-32 of n zeros is ((n mod 65521) << 16) | 1)."""
    chunk = 1 << 20
    assert size % chunk == 0
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(b"\0" * chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    block = comp.compress(b"\0" * chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    tail = comp.flush(zlib.Z_FINISH)
    body = first + block * (size // chunk - 1) + tail
    adler = ((size % 65521) << 16) | 1
    return b"\x78\xda" + body + struct.pack(">I", adler)


def flate_bomb_pdf(inflated: int = 4 << 30) -> bytes:
    """A one-page PDF whose content stream (a few KB on disk, doubly Flate-compressed) inflates to
    ``inflated`` bytes (4 GiB by default)."""
    inner = _zero_deflate(inflated)
    outer = zlib.compress(inner, 9)
    objects: list = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        _FONT,
        (b"<< /Length %d /Filter [/FlateDecode /FlateDecode] >>" % len(outer), outer),
        _page(4),
    ]
    return raw_pdf(objects)


def slow_pdf(operators: int = 200_000) -> bytes:
    """A one-page PDF whose content stream holds ``operators`` text-showing operations (compressed, small on
    disk) - slow to interpret, for testing the wall-clock limit."""
    content = b"BT /F1 1 Tf " + b"1 0 Td (x) Tj " * operators + b"ET"
    packed = zlib.compress(content, 9)
    objects: list = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        _FONT,
        (b"<< /Length %d /Filter /FlateDecode >>" % len(packed), packed),
        _page(4),
    ]
    return raw_pdf(objects)


# -- ZIP / DOCX ----------------------------------------------------------------------------------------------

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)
_W_NS = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A ZIP archive with these members (names are written as given, ``../`` included)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return out.getvalue()


def docx_bytes(paragraphs: list[str] | None = None, document_xml: bytes | None = None,
               extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal DOCX: ``[Content_Types].xml`` and ``word/document.xml`` (from ``paragraphs`` unless
    ``document_xml`` is given), plus ``extra`` members."""
    if document_xml is None:
        from xml.sax.saxutils import escape

        body = b"".join(
            b"<w:p><w:r><w:t>%s</w:t></w:r></w:p>" % escape(p).encode("utf-8") for p in (paragraphs or [])
        )
        document_xml = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<w:document xmlns:w="%s"><w:body>%s</w:body></w:document>' % (_W_NS, body)
        )
    members = {"[Content_Types].xml": _CONTENT_TYPES, "word/document.xml": document_xml}
    members.update(extra or {})
    return zip_bytes(members)


def docx_ratio_bomb(inflated: int = 64 << 20) -> bytes:
    """A DOCX whose word/document.xml is ``inflated`` bytes of one repeated character (ratio ~1000:1)."""
    head = b'<w:document xmlns:w="%s"><w:body><w:p><w:r><w:t>' % _W_NS
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    document_xml = head + b"a" * (inflated - len(head) - len(tail)) + tail
    assert len(document_xml) == inflated
    return docx_bytes(document_xml=document_xml)


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
    )
    + b']>\n<w:document xmlns:w="' + _W_NS + b'"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'
)

EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE doc [ <!ENTITY ext SYSTEM "file:///etc/passwd"> ]>\n'
    b'<w:document xmlns:w="' + _W_NS + b'"><w:body><w:p><w:r><w:t>&ext;</w:t></w:r></w:p></w:body></w:document>'
)


def damaged_stream_pdf(good_text: bytes = b"An illustrative first page with a sentence of some length.") -> bytes:
    """Two pages: the first readable, the second's content stream claims /FlateDecode but holds garbage."""
    good = b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % good_text
    garbage = b"\x13\x37 this is not deflate data \xff\x00" * 4
    objects: list = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [6 0 R 7 0 R] /Count 2 >>",
        _FONT,
        (b"<< /Length %d >>" % len(good), good),
        (b"<< /Length %d /Filter /FlateDecode >>" % len(garbage), garbage),
        _page(4),
        _page(5),
    ]
    return raw_pdf(objects)
