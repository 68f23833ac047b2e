"""Command line: `python -m request_profiler info | list DIR | to-pstats PROFILE OUT | run -- COMMAND`.

info       what the extension's set-up check needs: version, interpreter, location
list DIR   one line per profile, reading only each file's first line
to-pstats  convert a profile to the standard pstats file (snakeviz, gprof2dot)
run        run the app's usual command with every request profiled (run/command.py)
"""

import argparse
import json
import os
import sys
from typing import Any, Dict, List, Optional

from . import __version__
from .run import command as run_command
from .document import FIRST_LINE_PREFIXES
from .naming import is_profile_name
from .pstats_file import pstats_bytes
from .stats import ProfileTables
from .recording import capabilities_now


def read_header(path: str) -> Optional[Dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        line = f.readline()
    prefix = next((p for p in FIRST_LINE_PREFIXES if line.startswith(p)), None)
    if prefix is None or not line.rstrip("\n").endswith(","):
        return None
    try:
        return json.loads(line[len(prefix):].rstrip("\n")[:-1])
    except ValueError:
        return None


def cmd_info(args: argparse.Namespace) -> int:
    print(json.dumps({"version": __version__, "python": sys.version.split()[0], "executable": sys.executable,
                      "package": os.path.dirname(os.path.abspath(__file__)),
                      "threadConfinement": capabilities_now().confinement}))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    directory: str = args.directory
    names = sorted(n for n in os.listdir(directory) if is_profile_name(n))
    for name in names:
        header = read_header(os.path.join(directory, name))
        if header is None:
            print("%s  (unreadable)" % name)
            continue
        print("%s  %-6s %-40s %5s %9.1f ms%s" % (
            name[:22], header["method"], header["path"][:40], header["status"] if header["status"] is not None else "-",
            header["wallMs"], "" if header["profiled"] else "  skipped: %s" % header["skipReason"]))
    return 0


def cmd_to_pstats(args: argparse.Namespace) -> int:
    try:
        with open(args.profile, encoding="utf-8-sig") as f:
            document = json.load(f)
        header = document["header"]
        data = document["profile"]
        functions, edges = data["functions"], data["edges"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        return _refuse("cannot read %s as a Request Profiler profile: %s" % (args.profile, _reason(error)))
    if header.get("engine") == "sample":
        return _refuse("%s is a sampled profile (engine sample): its counts are samples, not calls, which pstats "
                       "readers would show as calls; no pstats file was written." % args.profile)
    if not functions:
        # pstats refuses a file holding an empty dict ("No stats ... were found"): write nothing.
        if header.get("profiled") is False:
            why = "the request was served unprofiled (%s)" % (header.get("skipReason") or "no reason recorded")
        else:
            why = "the profile records no function calls"
        return _refuse("%s: %s, so there is nothing to convert; no pstats file was written." % (args.profile, why))
    with open(args.output, "wb") as out:
        out.write(pstats_bytes(ProfileTables(functions, edges)))
    return 0


def _reason(error: BaseException) -> str:
    if isinstance(error, KeyError):
        return "it has no %s" % error
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error)


def _refuse(message: str) -> int:
    print("request_profiler to-pstats: " + message, file=sys.stderr)
    return 1


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m request_profiler", description=(__doc__ or "").split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("info").set_defaults(run=cmd_info)
    listing = commands.add_parser("list")
    listing.add_argument("directory")
    listing.set_defaults(run=cmd_list)
    convert = commands.add_parser("to-pstats")
    convert.add_argument("profile")
    convert.add_argument("output")
    convert.set_defaults(run=cmd_to_pstats)
    launch = commands.add_parser("run", help="run a command with every request of its app profiled",
                                 description=(run_command.__doc__ or "").split("\n\n")[0],
                                 epilog=run_command.EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    run_command.add_arguments(launch)
    launch.set_defaults(run=run_command.run)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
