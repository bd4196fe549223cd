"""Copy the browser libraries Podbor uses from node_modules into podbor/static/vendor, and bundle Podbor's own
ES-module entries (the process designer and viewer, built on bpmn-js) there with esbuild. Nothing here is committed."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "podbor" / "static" / "vendor"

# package file -> name under static/vendor
FILES = {
    "htmx.org/dist/htmx.min.js": "htmx.min.js",
    "sortablejs/Sortable.min.js": "Sortable.min.js",
}

# Bundled entries: source under podbor/ -> name under static/vendor. Each .js has a .css with the same name.
BUNDLES = {
    "automation/static_src/designer": "podbor-designer",
    "automation/static_src/viewer": "podbor-viewer",
}
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
JS_OPTIONS = ["--format=iife", "--target=es2020",
              "--banner:js=/*! Includes bpmn-js, (c) Camunda Services GmbH, under the bpmn.io license "
              "(https://bpmn.io/license/): the bpmn.io watermark must stay visible. */"]
# Fonts a stylesheet refers to are copied next to it (the woff one is already embedded as data).
CSS_OPTIONS = [f"--loader:.{ext}=file" for ext in ("eot", "svg", "ttf", "woff", "woff2")] + [
    "--asset-names=podbor-assets/[name]-[hash]"]


def bundle() -> int:
    """Build each entry into one minified file (an IIFE: plain <script> tags, no module loader), licences kept."""
    if not ESBUILD.exists():
        print("esbuild is missing from node_modules (run npm install)", file=sys.stderr)
        return 1
    for source, name in BUNDLES.items():
        for ext, options in ((".js", JS_OPTIONS), (".css", CSS_OPTIONS)):
            command = [str(ESBUILD), str(ROOT / "podbor" / (source + ext)), "--bundle", "--minify",
                       "--log-level=warning", "--legal-comments=eof", f"--outfile={TARGET / (name + ext)}", *options]
            done = subprocess.run(command, cwd=ROOT, check=False)  # noqa: S603 (our own fixed command line)
            if done.returncode != 0:
                print(f"esbuild failed for {source}{ext}", file=sys.stderr)
                return done.returncode
    return 0


def main() -> int:
    TARGET.mkdir(parents=True, exist_ok=True)
    missing = []
    for source, name in FILES.items():
        path = ROOT / "node_modules" / source
        if not path.exists():
            missing.append(source)
            continue
        shutil.copy2(path, TARGET / name)
    if missing:
        print("missing from node_modules (run npm install):", ", ".join(missing), file=sys.stderr)
        return 1
    return bundle()


if __name__ == "__main__":
    sys.exit(main())
