"""`python -m request_profiler run [options] -- COMMAND...`: run a web app's usual
command with every request profiled, without editing the app.

The launcher puts bootstrap/ (a sitecustomize.py) first on PYTHONPATH and its
settings in REQUEST_PROFILER_RUN, then replaces itself with the command. Every
Python process the command starts, reloaders and workers included, inherits both
and hooks Flask, Django, Starlette/FastAPI, Pyramid and wsgiref apps as their modules
are imported (framework_hooks.py). `python`/`python3` as the command means this
interpreter; other names are looked up in this interpreter's virtualenv, then on PATH.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
from typing import Dict, List, Optional

from .autoinstall import ENV_RUN
from ..config import ENV_DIR, Config, ConfigError
from .framework_hooks import FRAMEWORK_NAMES

RUN_DIR = os.path.dirname(os.path.abspath(__file__))
PACKAGE_DIR = os.path.dirname(RUN_DIR)
BOOTSTRAP_DIR = os.path.join(RUN_DIR, "bootstrap")
THIS_INTERPRETER = {"python", "python3"}

EPILOG = """examples:
  python -m request_profiler run -- flask --app app run
  python -m request_profiler run -- python manage.py runserver
  python -m request_profiler run --sample-every 10 -- uvicorn app:app --reload
  python -m request_profiler run -- pserve development.ini
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile-dir", metavar="DIR",
                        help="where profiles go (default: $%s, else .profiles in the current directory)" % ENV_DIR)
    for option in Config.OPTIONS:
        if option == "profile_dir":
            continue
        parser.add_argument("--" + option.replace("_", "-"), dest="option_" + option, metavar="VALUE",
                            help="middleware option %s (see docs/middleware.md)" % option)
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command that serves the app, after --")


def middleware_options(args: argparse.Namespace) -> Dict[str, str]:
    prefix = "option_"
    return {name[len(prefix):]: value for name, value in vars(args).items()
            if name.startswith(prefix) and value is not None}


def resolve_command(command: List[str], path: Optional[str] = None) -> Optional[str]:
    """The executable to run, or None when it cannot be found."""
    name = command[0]
    if name in THIS_INTERPRETER:
        return sys.executable
    if os.sep in name or (os.altsep and os.altsep in name):
        return name if os.path.exists(name) else None
    if sys.prefix != getattr(sys, "base_prefix", sys.prefix):
        # A virtualenv's python run directly (as the extension does) need not be
        # "activated": its own scripts (flask, uvicorn, pserve) come first.
        beside = shutil.which(name, path=os.path.dirname(sys.executable))
        if beside:
            return beside
    return shutil.which(name, path=path)


def child_environment(profile_dir: str, options: Dict[str, str], base: Dict[str, str]) -> Dict[str, str]:
    env = dict(base)
    env[ENV_DIR] = profile_dir  # every middleware in the tree writes there, the app's own too
    env[ENV_RUN] = json.dumps({"options": options, "package_root": os.path.dirname(PACKAGE_DIR)})
    existing = [entry for entry in env.get("PYTHONPATH", "").split(os.pathsep) if entry and entry != BOOTSTRAP_DIR]
    env["PYTHONPATH"] = os.pathsep.join([BOOTSTRAP_DIR] + existing)
    return env


def run(args: argparse.Namespace) -> int:
    command = list(args.command)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        sys.stderr.write("request_profiler run: give the command that serves the app after --, "
                         "e.g. python -m request_profiler run -- flask run\n")
        return 2
    profile_dir = os.path.abspath(args.profile_dir or os.environ.get(ENV_DIR) or ".profiles")
    options = middleware_options(args)
    env = child_environment(profile_dir, options, dict(os.environ))
    # Bad options fail here, before the app starts. Config reads the directory from the
    # environment first, as the app's processes will: give it theirs.
    os.environ[ENV_DIR] = profile_dir
    try:
        Config.from_options(dict(options, profile_dir=profile_dir))
    except ConfigError as exc:
        sys.stderr.write("%s\n" % exc)
        return 2
    executable = resolve_command(command, env.get("PATH"))
    if executable is None:
        sys.stderr.write("request_profiler run: command not found: %s (not on PATH%s)\n" % (
            command[0], "" if sys.prefix == getattr(sys, "base_prefix", sys.prefix) else " nor in this virtualenv"))
        return 127
    sys.stderr.write("request_profiler: profiling the %s apps of `%s` (and its child processes) into %s\n"
                     % (FRAMEWORK_NAMES, " ".join(command), profile_dir))
    sys.stderr.flush()
    sys.stdout.flush()
    if os.name == "nt":  # no exec there: a child, and its exit status
        return subprocess.call([executable] + command[1:], env=env)
    os.execve(executable, [executable if command[0] in THIS_INTERPRETER else command[0]] + command[1:], env)
    return 0  # not reached
