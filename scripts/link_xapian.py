"""Let the virtual environment import Xapian's Python bindings from Debian's python3-xapian.

The bindings are not on PyPI as a wheel; Debian builds them for its own Python. When that
build fits this interpreter (the same extension suffix, e.g. cpython-311-x86_64-linux-gnu),
a link in site-packages is all the environment needs.

    python scripts/link_xapian.py              # link, or say how to install Xapian (exit 1)
    python scripts/link_xapian.py --if-present # link if Debian's bindings are there, else nothing
"""
from __future__ import annotations

import sys
import sysconfig
from pathlib import Path

CANDIDATES = [Path("/usr/lib/python3/dist-packages/xapian"),
              Path(f"/usr/lib/python3.{sys.version_info.minor}/dist-packages/xapian")]
HOW = ("Xapian's Python bindings are not installed: on Debian or Ubuntu run "
       "`sudo apt-get install python3-xapian xapian-tools`, then `make xapian`")


def main() -> int:
    quiet = "--if-present" in sys.argv[1:]
    target = Path(sysconfig.get_paths()["purelib"]) / "xapian"
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    for folder in CANDIDATES:
        if folder.is_dir() and any(folder.glob(f"_xapian{suffix}")):
            if target.is_symlink() or not target.exists():
                target.unlink(missing_ok=True)
                target.symlink_to(folder)
            print(f"Xapian: {target} -> {folder}")
            return 0
        if folder.is_dir() and not quiet:
            print(f"{folder} was built for another Python than {sys.version.split()[0]} "
                  f"(no _xapian{suffix})", file=sys.stderr)
    if quiet:
        return 0
    print(HOW, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
