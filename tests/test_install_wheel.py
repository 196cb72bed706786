"""discourse installs anywhere: a built wheel carries the lexicons, indicators, events and templates, and runs
``discourse lexicon show`` and the demo job from a folder outside the repository, with no source checkout on
the path.

The wheel is built from a copy of the project (so no build artefacts land in the checkout), installed without
its dependencies into a fresh virtual environment whose only link to the running interpreter is a path file
naming the site-packages that already hold the dependencies (the test suite runs with them installed); no
package index is needed beyond what pip's build isolation fetches for setuptools.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_PROJECT_FILES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE")


def _run(args, cwd, env, timeout=600):
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{args} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("wheel")
    project = base / "project"
    project.mkdir()
    for name in _PROJECT_FILES:
        shutil.copy2(ROOT / name, project / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "*.sqlite*")
    shutil.copytree(ROOT / "src", project / "src", ignore=ignore)
    shutil.copytree(ROOT / "models", project / "models", ignore=ignore)
    shutil.copytree(ROOT / "corpus" / "indicators", project / "corpus" / "indicators", ignore=ignore)
    shutil.copy2(ROOT / "corpus" / "events.csv", project / "corpus" / "events.csv")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DISCOURSE_DB", "DISCOURSE_INDICATORS_DIR")}
    dist = base / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(project)], base, env)
    wheel = next(dist.glob("discourse-*.whl"))
    target = base / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     base, env).stdout.strip())
    # The dependencies: the running interpreter's site-packages, named as a plain path (its own .pth files,
    # such as an editable install of this checkout, are not processed, so the checkout stays invisible).
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "_discourse_test_deps.pth").write_text("\n".join(sorted(deps)) + "\n", encoding="utf-8")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "--quiet",
          str(wheel)], base, env)
    outside = base / "elsewhere"
    outside.mkdir()
    return {"python": python, "bin": target / "bin", "env": env, "cwd": outside, "wheel": wheel, "site": site}


@pytest.mark.slow
def test_wheel_carries_the_shipped_data(installed):
    import zipfile

    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    for rel in ("models/lexicons/orientation.yaml", "models/lexicons/actors.yaml", "corpus/events.csv",
                "corpus/indicators/indicators.yaml"):
        assert f"discourse/_shipped/{rel}" in names
    assert "discourse/templates/report.html.j2" in names
    shipped_lexicon = zipfile.ZipFile(installed["wheel"]).read("discourse/_shipped/models/lexicons/orientation.yaml")
    assert shipped_lexicon == (ROOT / "models" / "lexicons" / "orientation.yaml").read_bytes()


@pytest.mark.slow
def test_wheel_runs_lexicon_show_outside_the_repository(installed):
    code = ("import discourse, discourse.lexicon as l; "
            "print(discourse.__file__); print(l.DEFAULT_LEXICON); print(l.load_lexicon().hash)")
    where, lexicon_path, digest = _run([str(installed["python"]), "-c", code], installed["cwd"],
                                       installed["env"]).stdout.split()
    assert Path(where).is_relative_to(installed["site"])
    assert Path(lexicon_path) == installed["site"] / "discourse" / "_shipped" / "models" / "lexicons" / "orientation.yaml"
    from discourse.lexicon import load_lexicon

    assert digest == load_lexicon().hash  # the same lexicon as the checkout's
    shown = _run([str(installed["bin"] / "discourse"), "lexicon", "show", "--format", "json"], installed["cwd"],
                 installed["env"])
    ids = {row["id"] for row in json.loads(shown.stdout)}
    assert ids == {e.id for e in load_lexicon().entries}


@pytest.mark.slow
def test_wheel_runs_the_demo_job_outside_the_repository(installed):
    out = installed["cwd"] / "out"
    db = installed["cwd"] / "store" / "demo.sqlite"
    proc = _run([str(installed["python"]), str(ROOT / "scripts" / "main_job.py"), "--out", str(out), "--db", str(db)],
                installed["cwd"], installed["env"], timeout=900)
    assert "wrote" in proc.stdout
    for rel in ("orientation_scores.csv", "orientation_scores.csv.json", "panel.csv", "report/index.html"):
        assert (out / rel).is_file(), rel
    panel = (out / "panel.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert any(c.startswith("arms_imports_tiv") for c in panel), panel  # the shipped indicators were found inside the installed package
    import csv

    with open(ROOT / "corpus" / "events.csv", encoding="utf-8-sig", newline="") as fh:
        label = next(csv.DictReader(fh))["label"]
    assert label in (out / "report" / "index.html").read_text(encoding="utf-8")  # the shipped events, drawn
