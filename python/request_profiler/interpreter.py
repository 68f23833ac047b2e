"""What a reader needs to know about the interpreter that recorded a profile: its
version, and the directories that tell the app's own code from the standard
library and installed packages (file names in a profile are the server's paths)."""

import os
import platform
import site
import sys
import sysconfig
from typing import Dict, List


def _unique(paths: List[str]) -> List[str]:
    seen: List[str] = []
    for path in paths:
        if path and path not in seen:
            seen.append(path)
    return seen


def python_info() -> Dict[str, str]:
    return {"version": platform.python_version(),
            "implementation": platform.python_implementation(),
            "executable": sys.executable or ""}


def interpreter_paths() -> Dict[str, object]:
    config_paths = sysconfig.get_paths()
    stdlib = _unique([config_paths.get("stdlib", ""), config_paths.get("platstdlib", "")])
    packages: List[str] = []
    try:
        packages += site.getsitepackages()
    except AttributeError:  # virtualenv's old site.py lacks it
        pass
    user_site = getattr(site, "USER_SITE", None)
    if user_site:
        packages.append(user_site)
    packages += [config_paths.get("purelib", ""), config_paths.get("platlib", "")]
    # Debian's python3 keeps packages in dist-packages, which sysconfig does not name.
    packages += [p for p in sys.path if os.path.basename(p) in ("site-packages", "dist-packages")]
    return {"cwd": os.getcwd(),
            "stdlib": stdlib,
            "sitePackages": _unique(packages),
            "prefixes": _unique([sys.prefix, sys.base_prefix])}
