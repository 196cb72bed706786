"""Generate the binary files of the demo corpus in ``corpus/examples/`` deterministically.

Two files are generated rather than written by hand:

* ``2007-05-30_aze_concept_en.pdf``: a three-page PDF imitating a security concept, with a running header and
  "Page N of 3" on every page, one term hyphenated across a line end ("integra-" / "tion") and one phrase broken
  across a line end ("Euro-Atlantic" / "integration"). Set in DejaVu Sans (a Unicode TTF shipped with
  matplotlib), so the script needs no system fonts.
* ``2008-07-10_aze_declaration_ru.txt``: a Russian text encoded in Windows-1251 (not UTF-8), to exercise
  encoding detection.

Every text is ILLUSTRATIVE: written for this project, not an official text, quoting no one. Running the
script twice gives byte-identical files (fixed creation date and document id), so the committed files can
be checked against it::

    .venv/bin/python scripts/make_demo_corpus.py            # rewrite the files
    .venv/bin/python scripts/make_demo_corpus.py --check    # exit 1 if a committed file differs

Needs fpdf2 (a test dependency: ``pip install -e .[test]``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "corpus" / "examples"

PDF_NAME = "2007-05-30_aze_concept_en.pdf"
CP1251_NAME = "2008-07-10_aze_declaration_ru.txt"

PDF_HEADER = "Illustrative demo concept - not an official text"
PDF_TITLE = "Demo security concept (illustrative)"

# One list of lines per page; "" is a paragraph break. Lines are set exactly as given, so the
# hyphenation and the line-broken phrase sit where the tests expect them.
PDF_PAGES: list[list[str]] = [
    [
        f"{PDF_TITLE}",
        "",
        "ILLUSTRATIVE DEMO TEXT - written for the discourse demo corpus. It imitates the",
        "structure of a national security concept but is not an official text and quotes no one.",
        "",
        "1. General provisions",
        "",
        "1.1. This demo concept sets out goals, principles and approaches that protect the",
        "independence and territorial integrity of the state and its democratic development.",
        "",
        "1.2. The state regards Euro-Atlantic",
        "integration as its strategic choice. The deepening of integra-",
        "tion into European structures guides reforms in every sector.",
    ],
    [
        "2. Main directions of security policy",
        "",
        "2.1. Integration into European and Euro-Atlantic structures",
        "",
        "Integration into the European and Euro-Atlantic political, security and economic",
        "institutions is the strategic goal of the state. Cooperation with NATO covers defence",
        "reform, training and the Partnership for Peace programme. Cooperation with the",
        "European Union covers energy, transport, justice and education.",
        "",
        "2.2. Participation in international security",
        "",
        "The state contributes to peacekeeping operations together with its partners and",
        "supports the security of energy routes that link the Caspian region with Europe.",
    ],
    [
        "3. Relations with neighbouring states",
        "",
        "3.1. The state pursues a balanced foreign policy. It keeps good-neighbourly",
        "relations with the Russian Federation and cooperates within the CIS on",
        "economic and humanitarian matters.",
        "",
        "3.2. Relations with every neighbour rest on respect for sovereignty, territorial",
        "integrity and the inviolability of internationally recognized borders.",
        "",
        "4. Final provisions",
        "",
        "4.1. This demo concept is reviewed as the security environment changes.",
    ],
]

CP1251_TEXT = """ИЛЛЮСТРАТИВНЫЙ ДЕМОНСТРАЦИОННЫЙ ТЕКСТ (ILLUSTRATIVE DEMO TEXT): написан для демонстрационного корпуса discourse. Это не официальный документ и не цитата. Файл записан в кодировке Windows-1251.

Декларация о дружбе и партнёрстве (иллюстративная)

Азербайджанская Республика и Российская Федерация, руководствуясь отношениями дружбы и добрососедства, заявляют о стремлении вывести свои отношения на уровень стратегического партнёрства.

Стороны считают, что стратегическое партнёрство между Азербайджаном и Россией служит миру и стабильности в регионе.

Стороны развивают сотрудничество в рамках Содружества Независимых Государств (СНГ) в экономике, энергетике и гуманитарной сфере, а также военно-техническое сотрудничество.

Стороны поддерживают интеграционные процессы на пространстве СНГ, а также изучение русского языка в Азербайджане и азербайджанского языка в России.
"""

# A fixed creation date keeps the PDF byte-identical between runs (fpdf2 derives /ID from content + date).
_FIXED_DATE = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)


def _font_path() -> Path:
    """DejaVu Sans from matplotlib's bundled fonts (always installed with discourse)."""
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    if not path.exists():  # pragma: no cover - matplotlib always ships it
        raise SystemExit(f"font not found: {path}")
    return path


def make_pdf() -> bytes:
    """Return the bytes of the three-page illustrative concept PDF."""
    from fpdf import FPDF

    class _DemoPDF(FPDF):
        def header(self):
            self.set_font("DejaVu", size=9)
            self.cell(0, 8, PDF_HEADER, align="C", new_x="LMARGIN", new_y="NEXT")
            self.ln(6)

        def footer(self):
            self.set_y(-15)
            self.set_font("DejaVu", size=9)
            self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = _DemoPDF(format="A4")
    pdf.set_creation_date(_FIXED_DATE)
    pdf.set_title(PDF_TITLE)
    pdf.set_author("discourse demo corpus (illustrative)")
    pdf.set_producer("discourse scripts/make_demo_corpus.py")
    pdf.set_creator("discourse")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", str(_font_path()))
    for lines in PDF_PAGES:
        pdf.add_page()
        pdf.set_font("DejaVu", size=11)
        for line in lines:
            if line:
                pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.ln(4)
    return bytes(pdf.output())


def make_cp1251() -> bytes:
    """Return the Windows-1251 bytes of the illustrative Russian declaration (CRLF line ends)."""
    return CP1251_TEXT.replace("\n", "\r\n").encode("cp1251")


def outputs() -> dict[str, bytes]:
    return {PDF_NAME: make_pdf(), CP1251_NAME: make_cp1251()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files; exit 1 on a difference")
    parser.add_argument("--out", type=Path, default=EXAMPLES, help="folder to write to (default corpus/examples)")
    args = parser.parse_args(argv)
    status = 0
    for name, data in outputs().items():
        path = args.out / name
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                print(f"differs: {path}")
                status = 1
            else:
                print(f"ok: {path}")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            print(f"wrote {path} ({len(data):,} bytes)")
    return status


if __name__ == "__main__":
    sys.exit(main())
