#!/usr/bin/env bash
# Install discourse with the pip that Debian's python3-venv gives (pip 23 on Debian 12, NOT upgraded) into a
# fresh virtual environment, and ingest an HTML file with it. Fails if the install misses a module the code
# imports (issue 12: lxml_html_clean arrived only through lxml's extra, which that pip does not resolve, and
# every HTML file was refused with D124). Run by .ci/run; takes a few minutes with a warm pip cache.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! /usr/bin/python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/project"
# build outside the checkout (no build/ or egg-info here), with the data the wheel ships (setup.py copies it)
cp -r pyproject.toml README.md setup.py MANIFEST.in src models "$work/project/"
mkdir "$work/project/corpus"
cp -r corpus/indicators corpus/events.csv "$work/project/corpus/"
/usr/bin/python3 -m venv "$work/venv"
echo "pip of Debian's venv: $("$work/venv/bin/python" -m pip --version)"
"$work/venv/bin/python" -m pip install --quiet "$work/project"
cat > "$work/speech.html" <<'HTML'
<html lang="en"><head><title>An illustrative speech</title></head><body><nav>Home | News</nav>
<article><h1>An illustrative speech</h1>
<p>This text was written for the install check. Our country chose Euro-Atlantic integration as a strategic goal
and keeps to a balanced policy with every neighbour.</p>
<p>Partnership with the region matters, and dialogue remains the way forward for all of us.</p></article>
</body></html>
HTML
"$work/venv/bin/discourse" ingest "$work/speech.html" --db "$work/store.sqlite" --workers 1 --no-progress \
    --type speech --date 2015-11-04 --country AZE --lang en
words="$("$work/venv/bin/discourse" docs list --db "$work/store.sqlite" --format csv --columns words | tail -n 1)"
test "$words" -gt 20
echo "ok: Debian's pip installed discourse and it ingested an HTML page ($words words)"
