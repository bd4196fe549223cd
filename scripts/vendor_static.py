"""Copy the browser libraries Podbor uses from node_modules into podbor/static/vendor (not committed)."""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "podbor" / "static" / "vendor"

# package file -> name under static/vendor
FILES = {
    "htmx.org/dist/htmx.min.js": "htmx.min.js",
    "sortablejs/Sortable.min.js": "Sortable.min.js",
}


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
    return 0


if __name__ == "__main__":
    sys.exit(main())
