"""``discourse scale fit|show``: scaling models that read every word (LSS, Wordscores, Wordfish).

The library functions live in ``discourse.scaling.models``; scikit-learn and SciPy are imported inside the
commands so that ``import discourse.cli`` stays light.
"""

from __future__ import annotations

import json

import click

from ._common import db_option, emit, filter_options, open_corpus

__all__ = ["COMMANDS"]


@click.group("scale")
def scale() -> None:
    """Fit and inspect scaling models: Latent Semantic Scaling, Wordscores, Wordfish.

    \b
    A fitted model is saved beside the store (STORE.scaling/models/NAME.npz + NAME.json). Export its scores with
      discourse export scores --level document|year --model NAME --format csv
    Formulas, seeds and caching: docs/scaling.md.
    """


def _dir(ctx, param, value):
    if value is None:
        return None
    parts = [v.strip() for v in value.split(",") if v.strip()]
    if len(parts) != 2:
        raise click.BadParameter("give two document ids separated by a comma, e.g. --dir 3f2a...,9c1b...")
    return tuple(parts)


@scale.command("fit")
@click.argument("kind", type=click.Choice(["lss", "wordscores", "wordfish"]))
@click.option("--name", required=True, help="Name of the fitted model (letters, digits, . _ -).")
@click.option("--language", default="en", show_default=True, help="Language of the documents (ISO 639-1).")
@click.option("--seeds", "seeds", type=click.Path(exists=True, dir_okay=False), default=None,
              help="LSS seed file [default: models/seeds/orientation.yaml].")
@click.option("--reference", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Wordscores reference texts: CSV with the header doc_id,score (higher = toward the target power).")
@click.option("--k", "k", type=click.IntRange(min=1), default=300, show_default=True,
              help="LSS: number of SVD components.")
@click.option("--all-terms", is_flag=True, help="LSS: score with every feature instead of the context terms of the seed file.")
@click.option("--min-count", type=click.IntRange(min=1), default=1, show_default=True,
              help="Keep features occurring at least this often.")
@click.option("--min-docs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Keep features occurring in at least this many documents.")
@click.option("--stopwords", type=click.Choice(["none", "spacy"]), default="none", show_default=True,
              help="Remove spaCy's stop words of the language.")
@click.option("--dir", "direction", callback=_dir, default=None,
              help="Wordfish: two document ids A,B; A gets the lower position (B: nearer the target power).")
@click.option("--rescaling", type=click.Choice(["none", "lbg", "mv"]), default="none", show_default=True,
              help="Wordscores: rescaling of the scores.")
@click.option("--smooth", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="Wordscores: added to every count of the reference texts.")
@click.option("--refresh-svd", is_flag=True, help="LSS: compute the SVD again instead of using or reusing a cached one.")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Processes for tokenizing documents not tokenized before.")
@filter_options
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="How to print the summary.")
def fit(kind, name, language, seeds, reference, k, all_terms, min_count, min_docs, stopwords, direction, rescaling,
        smooth, refresh_svd, workers, doc_type, country, year_from, year_to, db, fmt) -> None:
    """Fit a scaling model on the stored documents and save it as NAME.

    \b
    Examples:
      discourse scale fit lss --name orient
      discourse scale fit wordscores --name ws --reference refs.csv --year-from 2009 --year-to 2019
      discourse scale fit wordfish --name wf --country AZE --min-docs 3 --dir ID_A,ID_B
    """
    from ..scaling.models import fit_model

    with open_corpus(db) as corpus:
        side = fit_model(corpus, kind, name, language=language, seeds=seeds, reference=reference, k=k,
                         terms=None if all_terms else "context", min_count=min_count, min_docs=min_docs,
                         stopwords=None if stopwords == "none" else stopwords, dir=direction,
                         smooth=smooth, rescaling=None if rescaling == "none" else rescaling, workers=workers,
                         refresh_svd=refresh_svd, doc_type=doc_type, country=country, year_from=year_from,
                         year_to=year_to)
    _show(side, fmt)


def _show(side: dict, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(side, indent=1, ensure_ascii=False))
        return
    import pandas as pd

    p = side.get("parameters", {})
    feats = side.get("features", {})
    click.echo(f"model {side['name']} ({side['kind']}, {side['language']}), fitted {side['created_at']} on "
               f"{side['corpus_snapshot']['n_documents']} documents (snapshot {side['corpus_snapshot']['digest'][:12]})")
    click.echo(f"features: {feats.get('n_rows')} {feats.get('unit')} rows x {feats.get('n_features')} features "
               f"({feats.get('tokens')}, min_count {feats.get('min_count')}, min_docs {feats.get('min_docs')}, "
               f"stopwords {feats.get('stopwords')})")
    if side["kind"] == "lss":
        click.echo(f"k = {p['k']}; SVD: {side['svd']['source']}; {p['n_terms']} terms ({p['terms']}); seeds found: "
                   + ", ".join(f"{s} {w:+.3f}" for s, w in p["seeds_weighted"].items()))
        if p["seeds_missing"]:
            click.echo("seeds absent from the corpus: " + ", ".join(p["seeds_missing"]))
        diag = side["diagnostics"]
        top = diag["top_terms"]
        rows = max(len(top["target"]), len(top["west"]))
        frame = pd.DataFrame({
            "toward target": [t[0] for t in top["target"]] + [""] * (rows - len(top["target"])),
            "polarity": [t[1] for t in top["target"]] + [None] * (rows - len(top["target"])),
            "toward West": [t[0] for t in top["west"]] + [""] * (rows - len(top["west"])),
            "polarity ": [t[1] for t in top["west"]] + [None] * (rows - len(top["west"])),
        })
        emit(frame.head(15), "table")
        click.echo("leave-one-seed-out (correlation of the polarities without the seed): " + ", ".join(
            f"{r['seed']} {r['correlation_without'] if r['correlation_without'] is not None else '-'}"
            for r in diag["leave_one_seed_out"]))
        click.echo("variance captured by the first k components: " + ", ".join(
            f"k={k_} {v:.3f}" for k_, v in diag["variance_captured"]["curve"]))
    elif side["kind"] == "wordscores":
        click.echo(f"{p['n_reference']} reference texts; rescaling {p['rescaling']}; smooth {p['smooth']}")
    else:
        click.echo(f"direction {p['dir'][0]} < {p['dir'][1]}; {p['n_iter']} iterations; log-likelihood {p['loglik']:.2f}")


@scale.command("show")
@click.argument("name")
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table: a summary with diagnostics; json: the whole sidecar.")
def show(name, db, fmt) -> None:
    """Show a fitted model: parameters, corpus snapshot and (LSS) diagnostics.

    \b
    Example:
      discourse scale show orient
    """
    from ..scaling.models import load_model

    with open_corpus(db) as corpus:
        side, _ = load_model(corpus, name)
    _show(side, fmt)


COMMANDS = [scale]
