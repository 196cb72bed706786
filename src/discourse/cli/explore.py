"""``discourse explore``: the local web explorer (see docs/explore.md)."""

from __future__ import annotations

import click

from ._common import db_option

__all__ = ["COMMANDS"]


@click.command("explore")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but a local address makes the explorer reachable from other "
                   "machines (a warning is printed).")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port to listen on; 0 picks a free port.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default web browser.")
@click.option("--lexicon", "lexicon_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Lexicon YAML [default: models/lexicons/orientation.yaml].")
@click.option("--target", default=None, help="Target power (actor id) [default: the lexicon's, russia].")
@click.option("--events", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Key-events CSV [default: corpus/events.csv, else events.csv beside the store, else the shipped one].")
@click.option("--refresh/--no-refresh", default=True, show_default=True,
              help="Before serving, match documents not yet matched, extend the full-text index and load the "
                   "shipped indicators (the only writes; the server itself reads only).")
def explore_command(db, host, port, open_browser, lexicon_path, target, events, refresh):
    """Serve the explorer: overview per country, KWIC of any year, documents, term timelines, coding.

    Local only: binds 127.0.0.1 unless --host says otherwise; every script and style is shipped inside the
    package, and the page's Content-Security-Policy lets it talk to this server only. Stop with Ctrl-C.

    \b
    Examples:
      discourse explore --open
      discourse explore --db corpus/ungdc.sqlite --port 8765
    """
    import sys

    from ..explore import LOCAL_HOSTS, bind, create_app, prepare, serve, url_of
    from ..lexicon import load_lexicon
    from ..store import default_db_path

    lexicon = load_lexicon(lexicon_path, target=target)
    path = default_db_path(db)
    if refresh:
        summary = prepare(path, lexicon, progress=True)
        if summary["matched"] or summary["fts_added"]:
            click.echo(f"matched {summary['matched']} documents ({summary['hits']} hits), indexed "
                       f"{summary['fts_added']} texts", err=True)
    allowed = None
    if host not in LOCAL_HOSTS:
        click.echo(f"Warning: listening on {host}: anyone who can reach this address can read the store "
                   "(and code hits). Use the default 127.0.0.1 unless you need this.", err=True)
        allowed = ["*"]  # reached by whatever name or address the clients use
    app = create_app(path, lexicon=lexicon, events=events, allowed_hosts=allowed, codes="auto")
    sock = bind(host, port)
    url = url_of(sock)
    click.echo(f"discourse explorer on {url}  (store {path}; Ctrl-C stops)")
    sys.stdout.flush()
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(0.8, webbrowser.open, args=(url,)).start()
    serve(app, sock)


COMMANDS = [explore_command]
