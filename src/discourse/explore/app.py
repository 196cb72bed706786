"""The explorer's web application (Starlette + Jinja2 + htmx), over a store opened read-only.

Routes (every page also works without JavaScript except the charts; every table has a ``.csv`` twin):

=======================  =====================================================================================
``/``                    overview of a country (``?country=AZE``): score by year, hits by pole, indicators,
                         key events, the year table; clicking a year loads ``/kwic`` into the page
``/kwic``                the KWIC lines of a year (``country``, ``year``; filters ``entry``, ``stance``,
                         ``language``, ``doc_type``, ``show=counted|all``); an htmx fragment or a whole page
``/indicators``          the indicators of a country as small multiples (loaded when scrolled into view)
``/doc/{id}``            a document: metadata, pages, every hit highlighted (``#hit-START``, ``#page-N``)
``/timeline``            the term-timeline builder (``term`` repeated, ``phrase``, ``country`` repeated)
``/code``                the coding view (only when the validation stage is installed); POST stores a code
``/years.csv``, ``/kwic.csv``, ``/doc/{id}/hits.csv``, ``/timeline.csv``, ``/indicators.csv``: the tables
=======================  =====================================================================================

Safety: every response carries a Content-Security-Policy allowing only this origin (scripts, styles, data
requests; images also as ``data:``), so no request leaves the machine; requests whose ``Host`` is not an
allowed name are refused (D857: a page of another site cannot reach the explorer through DNS rebinding);
POST requests must carry the page's CSRF token (D853); all text is escaped by Jinja2's autoescaping and
chart data is embedded as escaped JSON.
"""

from __future__ import annotations

import hmac
import io
import re
import secrets
from pathlib import Path
from typing import Iterable

import pandas as pd

from ..errors import DiscourseError, ExploreError
from . import charts
from . import data as D

__all__ = ["create_app", "CSP", "ALLOWED_HOSTS"]

HERE = Path(__file__).resolve().parent
#: The Content-Security-Policy of every response.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
ALLOWED_HOSTS = ("127.0.0.1", "localhost", "[::1]")
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
_TERM_MAX = 8
_COUNTRY_MAX = 8


def _templates():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = D.number
    env.filters["embed"] = charts.embed_json
    return env


def _csv_response(frame: pd.DataFrame, filename: str):
    from starlette.responses import Response

    from ..tables import write_csv

    buf = io.StringIO()
    write_csv(frame, buf)  # formula cells neutralized, as the exports
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", filename)
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{safe}"'})


def _one(params, name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def _many(params, name: str, limit: int) -> list[str]:
    out = []
    for v in params.getlist(name):
        for part in v.split(","):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    if len(out) > limit:
        raise ExploreError("D851", f"{len(out)} values of {name}; at most {limit} are drawn at once",
                           hint=f"choose at most {limit}")
    return out


def create_app(db: str | Path | None = None, *, corpus=None, lexicon=None, events: str | Path | None = None,
               allowed_hosts: Iterable[str] | None = None, codes="auto", csrf_token: str | None = None):
    """The explorer's ASGI application over the store at ``db`` (opened read-only) or an open ``corpus``.

    Parameters
    ----------
    lexicon:
        A loaded lexicon, a path, or None for the shipped one (its hits are what the explorer shows).
    events:
        Key-events CSV; default as ``discourse report`` (``corpus/events.csv``, beside the store, shipped).
    allowed_hosts:
        Host names the server answers to (default 127.0.0.1, localhost, [::1]; ``"*"`` any); a request for
        another host gets D857 (status 400).
    codes:
        An object with ``page(explorer, request, render)`` and ``post(explorer, request, form, render)`` that
        shows lines to code and writes codes (the validation stage's codes table; see ``coding.py``), ``"auto"``
        for that when the validation stage is installed, or None (no coding view).
    csrf_token:
        The token POSTs must carry (default: a random one per application).
    """
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, RedirectResponse, Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    from ..corpus import Corpus
    from ..lexicon import load_lexicon
    from ..store import Store

    if corpus is None:
        from ..store import default_db_path

        path = default_db_path(db)
        if not Path(path).exists():
            raise ExploreError("D850", f"no store at {path}", hint="ingest documents first (`discourse ingest PATH`) "
                               "or give the path of an existing store")
        corpus = Corpus(Store.open(path, create=False, readonly=True))
    if lexicon is None or isinstance(lexicon, (str, Path)):
        lexicon = load_lexicon(lexicon)
    events_path = Path(events) if events is not None else D.default_events_path(corpus.path)
    ex = D.Explorer(corpus, lexicon, events_path)
    if codes == "auto":
        from .coding import default_codes

        codes = default_codes()
    env = _templates()
    for name in ("overview.html.j2", "indicators.html.j2", "kwic.html.j2", "kwic_page.html.j2", "document.html.j2", "timeline.html.j2",
                 "code.html.j2", "error.html.j2"):
        env.get_template(name)  # compiled now, not on the first request
    from .. import indicators, report_events, score, timeline  # noqa: F401 - imported now (the first page is faster)

    D.warm(ex)
    token = csrf_token or secrets.token_urlsafe(32)
    hosts = {h.lower() for h in (allowed_hosts or ALLOWED_HOSTS)}

    def render(request, name: str, status: int = 200, **context) -> HTMLResponse:
        context.setdefault("nav", "")
        html = env.get_template(name).render(request=request, csrf_token=token, status=D.status_cached(ex),
                                             coding=codes is not None, target=lexicon.target, **context)
        return HTMLResponse(html, status_code=status)

    def fragment(request) -> bool:
        return request.headers.get("HX-Request") == "true"

    # -- pages ----------------------------------------------------------------------------------------------
    def overview(request: Request):
        countries = D.countries(ex)
        country = D.check_country(_one(request.query_params, "country"))
        if country is None and len(countries):
            return RedirectResponse(f"/?country={countries['country'].iloc[0]}", status_code=303)
        if country is not None and country not in set(countries["country"]):
            raise ExploreError("D851", f"no documents of country {country} in the store",
                               hint="choose a country from the list")
        years = D.year_scores(ex, country) if country else pd.DataFrame()
        evs, events_note = D.events(ex)
        context = {"countries": countries.to_dict("records"), "country": country, "years": [],
                   "specs": {}, "events": [], "events_note": events_note, "indicator_note": None,
                   "nav": "overview",
                   "models": [], "model": None, "model_note": None}
        if len(years):
            lo, hi = int(years["year"].min()), int(years["year"].max())
            context["specs"]["score"] = charts.score_chart(years, evs, lo, hi, lexicon.target)
            context["specs"]["poles"] = charts.pole_chart(years, lo, hi, lexicon.target)
            models = D.scaling_models(ex)
            if models:
                chosen = _one(request.query_params, "model") or models[0]
                if chosen not in models:
                    raise ExploreError("D851", f"no fitted scaling model {chosen!r}",
                                       hint="fitted models: " + ", ".join(models))
                series, model_note = D.model_series(ex, chosen, country, lo, hi)
                context.update(models=models, model=chosen, model_note=model_note)
                if series is not None and len(series):
                    context["specs"]["model"] = charts.model_chart(series, lo, hi, chosen, series.attrs.get("kind", ""),
                                                                   lexicon.target)
            context["years"] = years.to_dict("records")
            D.prefetch_country(ex, country)  # the year's hits are then ready when a year is clicked
            context["lo"], context["hi"] = lo, hi
            context["events"] = [e for e in evs.to_dict("records") if lo - 0.5 <= e["x"] <= hi + 0.5]
        return render(request, "overview.html.j2", **context)

    def indicators_view(request: Request):
        """The indicators of a country as small multiples (loaded by the overview when scrolled into view)."""
        q = request.query_params
        country = D.check_country(_one(q, "country"))
        if country is None:
            raise ExploreError("D851", "no country given", hint="add ?country=AZE")
        lo, hi = D.check_year(_one(q, "from"), "from"), D.check_year(_one(q, "to"), "to")
        if lo is None or hi is None:
            years = D.year_scores(ex, country)
            if years.empty:
                raise ExploreError("D851", f"no dated documents of country {country}", hint="choose another country")
            lo, hi = int(years["year"].min()), int(years["year"].max())
        inds, note = D.indicators(ex, country, lo, hi)
        shown, left_out = D.indicator_series(inds)
        context = {"country": country, "lo": lo, "hi": hi, "spec": None, "indicator_series": 0,
                   "indicator_left_out": left_out, "note": note, "has_values": bool(len(inds)), "nav": "overview"}
        if len(shown):
            context["spec"] = charts.indicator_chart(shown, lo, hi)
            context["indicator_series"] = int(shown.groupby(["indicator", "partner"]).ngroups)
        elif len(inds):
            context["note"] = f"No indicator of {country} has values in three or more of these years (see the CSV)."
        return render(request, "indicators.html.j2" if fragment(request) else "indicators_page.html.j2", **context)

    def kwic_params(request):
        q = request.query_params
        year = D.check_year(_one(q, "year"))
        if year is None:
            raise ExploreError("D851", "no year given", hint="click a year on the overview, or add ?year=2015")
        show = _one(q, "show") or "counted"
        return {"country": D.check_country(_one(q, "country")), "year": year, "entry": _one(q, "entry"),
                "stance": _one(q, "stance"), "language": _one(q, "language"), "doc_type": _one(q, "doc_type"),
                "show": show}

    def kwic_view(request: Request):
        p = kwic_params(request)
        rows = D.kwic(ex, p["country"], p["year"], entry=p["entry"], stance=p["stance"], language=p["language"],
                      doc_type=p["doc_type"], show=p["show"])
        facets = D.kwic_facets(ex, p["country"], p["year"], p["show"])
        query = {k: v for k, v in p.items() if v is not None}
        return render(request, "kwic.html.j2" if fragment(request) else "kwic_page.html.j2", rows=rows,
                      p=p, facets=facets, total=facets["total"], query=query, nav="overview")

    def kwic_csv(request: Request):
        p = kwic_params(request)
        rows = D.kwic_frame(ex, p["country"], p["year"], entry=p["entry"], stance=p["stance"],
                            language=p["language"], doc_type=p["doc_type"], show=p["show"])
        return _csv_response(rows, f"kwic_{p['country'] or 'all'}_{p['year']}.csv")

    def years_csv(request: Request):
        country = D.check_country(_one(request.query_params, "country"))
        return _csv_response(D.year_scores(ex, country), f"scores_{country or 'all'}_by_year.csv")

    def indicators_csv(request: Request):
        country = D.check_country(_one(request.query_params, "country"))
        if country is None:
            raise ExploreError("D851", "no country given", hint="add ?country=AZE")
        inds, _ = D.indicators(ex, country)
        return _csv_response(inds, f"indicators_{country}.csv")

    def document_view(request: Request):
        doc = D.document(ex, request.path_params["doc_id"])
        return render(request, "document.html.j2", doc=doc, meta=doc["meta"], hits=doc["hits"].to_dict("records"),
                      nav="")

    def document_csv(request: Request):
        doc = D.document(ex, request.path_params["doc_id"])
        hits = doc["hits"]
        cols = [c for c in ("doc_id", "entry_id", "label", "start", "end", "page", "surface", "language", "pole",
                            "counted", "eff_position", "stance", "stance_cue", "stance_rule", "negated",
                            "negation_cue", "target", "target_group", "target_inferred") if c in hits.columns]
        return _csv_response(hits[cols], f"hits_{doc['meta']['id']}.csv")

    def timeline_params(request):
        q = request.query_params
        terms = _many(q, "term", _TERM_MAX)
        phrase = _one(q, "phrase")
        if phrase and phrase not in terms:
            terms.append(phrase)
        countries = [D.check_country(c) for c in _many(q, "country", _COUNTRY_MAX)]
        per = _one(q, "per") or "10000"
        if per not in ("1000", "10000", "1000000"):
            raise ExploreError("D851", f"per {per!r} is not 1000, 10000 or 1000000", hint="use per=10000")
        return terms, phrase, countries, int(per)

    def timeline_view(request: Request):
        terms, phrase, chosen, per = timeline_params(request)
        countries = D.countries(ex)
        if not chosen and len(countries) and not terms:
            chosen = list(countries["country"].head(2))
        context = {"entries": D.entry_choices(ex), "countries": countries.to_dict("records"), "terms": terms,
                   "phrase": phrase or "", "chosen": chosen, "per": per, "rows": [], "spec": None, "nav": "timeline",
                   "query": request.url.query, "error": None}
        if terms:
            try:
                frame = D.timeline(ex, terms, chosen, per)
            except ExploreError as exc:
                context["error"] = exc
            else:
                from ..timeline import rate_column

                rows = [(c, int(y), t, int(n), None if r is None or r != r else float(r), int(d), int(w))
                        for c, y, t, n, r, d, w in frame.itertuples(index=False, name=None)]
                context["rows"] = rows
                context["rate"] = rate_column(per)
                context["spec"] = charts.timeline_chart(rows, rate_column(per))
        name = "timeline_result.html.j2" if fragment(request) else "timeline.html.j2"
        return render(request, name, **context)

    def timeline_csv(request: Request):
        terms, _, chosen, per = timeline_params(request)
        return _csv_response(D.timeline(ex, terms, chosen, per), "timeline.csv")

    # -- coding -----------------------------------------------------------------------------------------------
    def check_csrf(request: Request, form) -> None:
        sent = request.headers.get("X-CSRF-Token") or (form.get("csrf_token") if form is not None else None) or ""
        if not hmac.compare_digest(str(sent).encode(), token.encode()):
            raise ExploreError("D853", "the request carries no valid CSRF token", hint="reload the page and try again")

    def coding_view(request: Request):
        if codes is None:
            raise ExploreError("D856", "the coding view needs the validation stage (discourse.validate), which is "
                               "not installed", hint="install a discourse version with `discourse validate`")
        return codes.page(ex, request, render)

    async def coding_post(request: Request):
        form = await request.form()
        check_csrf(request, form)
        if codes is None:
            raise ExploreError("D856", "the coding view needs the validation stage (discourse.validate), which is "
                               "not installed", hint="install a discourse version with `discourse validate`")
        return codes.post(ex, request, form, render)

    # -- errors and headers -----------------------------------------------------------------------------------
    async def on_error(request: Request, exc: Exception):
        status = {"D852": 404, "D853": 403, "D856": 404, "D857": 400}.get(getattr(exc, "code", ""), 400)
        if not isinstance(exc, DiscourseError):
            status = 500
        html = env.get_template("error.html.j2").render(exc=exc, status=status)
        return HTMLResponse(html, status_code=status)

    class Guard:
        """Host check (D857), CSRF check on unsafe methods (D853), and the security headers."""

        def __init__(self, app):
            self.app = app

        async def __call__(self, scope, receive, send):
            if scope["type"] != "http":
                return await self.app(scope, receive, send)
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
            host = headers.get("host", "")
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            name = name.lower()

            static_file = scope.get("path", "").startswith("/static/")

            async def send_headers(message):
                if message["type"] == "http.response.start":
                    extra = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                             (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
                             (b"cross-origin-resource-policy", b"same-origin"),
                             (b"cache-control", b"max-age=3600" if static_file else b"no-store")]
                    message = {**message, "headers": list(message.get("headers", [])) + extra}
                await send(message)

            if "*" not in hosts and name not in hosts:
                exc = ExploreError("D857", f"requests for host {host!r} are refused", hint="open the URL the "
                                   "explorer printed (http://127.0.0.1:PORT/)")
                response = await on_error(None, exc)
                return await response(scope, receive, send_headers)
            return await self.app(scope, receive, send_headers)

    static = StaticFiles(directory=str(HERE / "static"))
    routes = [
        Route("/", overview),
        Route("/kwic", kwic_view),
        Route("/kwic.csv", kwic_csv),
        Route("/years.csv", years_csv),
        Route("/indicators", indicators_view),
        Route("/indicators.csv", indicators_csv),
        Route("/doc/{doc_id}", document_view),
        Route("/doc/{doc_id}/hits.csv", document_csv),
        Route("/timeline", timeline_view),
        Route("/timeline.csv", timeline_csv),
        Route("/code", coding_view, methods=["GET"]),
        Route("/code", coding_post, methods=["POST"]),
        Mount("/static", static, name="static"),
    ]

    async def on_not_found(request, exc):
        return await on_error(request, ExploreError("D852", f"no page {request.url.path!r}",
                                                    hint="start from the overview (/)"))

    app = Starlette(routes=routes, exception_handlers={DiscourseError: on_error, 404: on_not_found,
                                                       Exception: on_error})
    app.state.explorer = ex
    app.state.csrf_token = token
    app.add_middleware(Guard)
    return app
