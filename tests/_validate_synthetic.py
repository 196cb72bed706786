"""A synthetic three-language corpus for the validation tests, with one planted false-positive entry.

Every sentence below was written for these tests. The lexicon has four entries; ``brotherhood`` is the planted
false positive: its term occurs mostly in another sense (football fans, not fraternal ties with Russia), so a
coder who knows the truth says ``no`` to most of its hits. A simulated coder reads the truth from :data:`TRUTH`.
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd

from discourse.lexicon import DEFAULT_ACTORS

LEXICON = f"""
name: synthetic
target: russia
actors: {DEFAULT_ACTORS}
entries:
  - id: west_path
    label: Euro-Atlantic integration
    category: western_integration
    position: -1
    weight: 1
    on_negation: flip
    rationale: Test entry toward the West.
    patterns:
      en: [Euro-Atlantic integration]
      az: [{{stem: Avro-Atlantik inteqrasiya}}]
      ru: [{{stem: евроатлантическ интеграц}}]
  - id: eaeu
    label: Eurasian Economic Union
    category: target_led_integration
    position: 1
    weight: 1
    on_negation: flip
    rationale: Test entry toward the target power.
    patterns:
      en: [Eurasian Economic Union]
      az: [{{stem: Avrasiya İqtisadi İttifaq}}]
      ru: [{{stem: евразийск экономическ союз}}]
  - id: nam
    label: Non-Aligned Movement
    category: non_alignment
    position: 0
    weight: 1
    on_negation: keep
    rationale: Test hedging entry.
    patterns:
      en: [Non-Aligned Movement]
      az: [{{stem: Qoşulmama Hərəkat}}]
      ru: [{{stem: движени неприсоединени}}]
  - id: brotherhood
    label: brotherhood
    category: partnership
    position: 1
    weight: 1
    on_negation: keep
    rationale: Planted false positive for the tests (mostly another sense).
    patterns:
      en: [{{stem: brotherhood}}]
      az: [{{stem: qardaşlı}}]
      ru: [{{stem: братств}}]
"""

SENTENCES = {
    "en": {
        "west_path": "Our government pursues Euro-Atlantic integration as its strategic course.",
        "eaeu": "The Eurasian Economic Union offers markets for our goods.",
        "nam": "Our country values the Non-Aligned Movement.",
        "brotherhood": "We cherish our brotherhood with Russia.",
        "other": "The brotherhood of football fans filled the stadium in the capital.",
        "missed": "Our place is in the family of Western democracies.",
        "filler": ["The harvest in the northern provinces was good this year.",
                   "Teachers received new textbooks for the schools.",
                   "The new bridge over the river opened in spring.",
                   "Farmers planted more wheat than last year.",
                   "The railway station was painted in bright colours.",
                   "Many families visited the mountains in summer."],
    },
    "az": {
        "west_path": "Azərbaycan Avro-Atlantik inteqrasiyanı strateji kurs kimi davam etdirir.",
        "eaeu": "Avrasiya İqtisadi İttifaqı bizim mallar üçün bazar təklif edir.",
        "nam": "Ölkəmiz Qoşulmama Hərəkatını yüksək qiymətləndirir.",
        "brotherhood": "Biz Rusiya ilə qardaşlığımızı qiymətləndiririk.",
        "other": "Futbol azarkeşlərinin qardaşlığı stadionu doldurdu.",
        "missed": "Bizim yerimiz Qərb demokratiyaları ailəsindədir.",
        "filler": ["Bu il şimal bölgələrində məhsul yaxşı oldu.",
                   "Müəllimlər məktəblər üçün yeni dərsliklər aldılar.",
                   "Çayın üzərində yeni körpü yazda açıldı.",
                   "Fermerlər keçən ildən daha çox buğda əkdilər.",
                   "Dəmiryol vağzalı parlaq rənglərlə boyandı.",
                   "Bir çox ailə yayda dağlara getdi."],
    },
    "ru": {
        "west_path": "Наше правительство обсуждает евроатлантическую интеграцию как стратегический курс.",
        "eaeu": "Евразийский экономический союз открывает рынки для наших товаров.",
        "nam": "Наша страна ценит Движение неприсоединения.",
        "brotherhood": "Мы дорожим нашим братством с Россией.",
        "other": "Братство футбольных болельщиков заполнило стадион в столице.",
        "missed": "Наше место в семье западных демократий.",
        "filler": ["В этом году урожай в северных областях был хорошим.",
                   "Учителя получили новые учебники для школ.",
                   "Новый мост через реку открылся весной.",
                   "Фермеры посеяли больше пшеницы, чем в прошлом году.",
                   "Вокзал покрасили в яркие цвета.",
                   "Многие семьи летом ездили в горы."],
    },
}
COUNTRIES = {"GEO": "en", "AZE": "az", "BLR": "ru"}
YEARS = range(2004, 2016)
PLANTED = "brotherhood"

#: sentence text -> (entry id it truly expresses, or None; entry id it expresses without a hit, or None)
TRUTH: dict[str, tuple[str | None, str | None]] = {}
for lang, s in SENTENCES.items():
    for entry in ("west_path", "eaeu", "nam", "brotherhood"):
        TRUTH[s[entry]] = (entry, None)
    TRUTH[s["other"]] = (None, None)
    TRUTH[s["missed"]] = (None, "west_path")
    for f in s["filler"]:
        TRUTH[f] = (None, None)


def counts(country: str, year: int) -> dict[str, int]:
    """Sentences of each kind in one document (the yearly mix varies, so every series moves)."""
    k = sorted(COUNTRIES).index(country)
    return {"west_path": 1 + (year + k) % 3, "eaeu": 1 + (year + 2 * k + 1) % 3, "nam": 1, "brotherhood": 2,
            "other": 6, "missed": 1}


def document(country: str, year: int) -> str:
    lang = COUNTRIES[country]
    s = SENTENCES[lang]
    parts = []
    for kind, n in counts(country, year).items():
        parts += [s[kind]] * n
    parts += s["filler"]
    random.Random(f"{country}{year}").shuffle(parts)
    paragraphs = [" ".join(parts[i:i + 4]) for i in range(0, len(parts), 4)]
    return "\n\n".join(paragraphs) + "\n"


def build(tmp_path: Path, corpus) -> Path:
    """Write the documents and the lexicon, ingest them into ``corpus``; return the lexicon's path."""
    folder = tmp_path / "synthetic"
    folder.mkdir()
    rows = []
    for country, lang in COUNTRIES.items():
        for year in YEARS:
            name = f"{country.lower()}_{year}.txt"
            (folder / name).write_text(document(country, year), encoding="utf-8")
            rows.append({"path": name, "title": f"Synthetic {country} {year}", "date": str(year),
                         "doc_type": "statement", "country": country, "language": lang})
    pd.DataFrame(rows).to_csv(folder / "manifest.csv", index=False)
    report = corpus.ingest([folder], manifest=folder / "manifest.csv")
    assert len(report.added) == len(COUNTRIES) * len(YEARS) and not report.failed
    lexicon = tmp_path / "synthetic.yaml"
    lexicon.write_text(LEXICON, encoding="utf-8")
    return lexicon


def unmark(sentence: str) -> str:
    return sentence.replace("[[", "").replace("]]", "")


def simulated_coder(frame: pd.DataFrame, coder: str) -> pd.DataFrame:
    """Code a sample as a coder who knows the truth: sense from TRUTH, stance support, missed entries."""
    out = frame.copy()
    out["coder"] = coder
    for i, row in out.iterrows():
        true_entry, missed = TRUTH[unmark(row["sentence"])]
        if row["sample_kind"] == "hit":
            out.at[i, "code_sense"] = "yes" if true_entry == row["entry_id"] else "no"
            out.at[i, "code_stance"] = "support"
        else:
            out.at[i, "code_missed"] = missed or ""
    return out
