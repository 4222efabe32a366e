"""Run benchmarks: ``python -m bench`` runs every ``bench/<name>.py`` that has a ``main(argv)``;
``python -m bench city documents_search`` runs the named ones; arguments after ``--`` go to
each of them (``python -m bench city -- --dossiers 100000``)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path


def _modules() -> list[str]:
    here = Path(__file__).resolve().parent
    names = []
    for info in pkgutil.iter_modules([str(here)]):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        if callable(getattr(module, "main", None)):
            names.append(info.name)
    return sorted(names)


def main() -> int:
    argv = sys.argv[1:]
    extra: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1 :]
    names = argv or _modules()
    failures = 0
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        started = time.monotonic()
        print(f"== bench {name} ==", flush=True)
        code = module.main(extra) or 0
        print(
            f"== bench {name}: {'ok' if code == 0 else 'FAILED'} in {time.monotonic() - started:.0f} s ==",
            flush=True,
        )
        failures += int(code != 0)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    raise SystemExit(main())
