#!/usr/bin/env python3
"""Writes the pstats fixtures in test/fixtures/pstats/: real .prof files and, beside each,
the numbers pstats itself reports for it (<file>.json), for the TypeScript reader's tests.

    python3 scripts/make-pstats-fixtures.py

Run it with Debian's python3 (it needs python3-werkzeug); it runs every pyenv interpreter
from 3.8 on. What it writes:
  cprofile-py<X.Y>.prof    `python -m cProfile -o` on a sample program, one per interpreter
  cprofile-imports-py<X.Y>.prof  `python -m cProfile -o` on a script whose import does the work
                           (builtins.exec runs the script and every import: no function is
                           uncalled); newest interpreter only. `--imports` writes just this one.
  profile-py<X.Y>.prof     the pure-Python `profile` module's Profile.runcall + dump_stats
                           (callers hold plain call counts)
  profile-cli-py<X.Y>.prof `python -m profile -o`: it names its root entry by the script's code
                           object, so the file holds a marshalled code object, which the reader
                           refuses (no .json beside it)
  werkzeug/<name>.prof     Werkzeug's ProfilerMiddleware(profile_dir=...), its own file names
  large-counts.prof        a real profile with every call count multiplied by 2**40 (marshal 'l')
  unknown-counts.prof      a real profile with every call count -1, as pyinstrument writes
The last two are rewritten from a real profile with marshal.dump, because no program makes
2**40 calls and pyinstrument is not installable here; pstats reads them like any other.

Every file is then rewritten once more, by the interpreter that wrote it, with the paths of
this machine replaced by neutral ones (as scripts/make-fixtures.py does for the JSON
profiles): the sample as /srv/app/sample, the import sample as /srv/app/imports, this
repository as /srv/app, a pyenv interpreter's prefix as /usr/local, the home folder as
/home/app (Debian's /usr stays: it is no one machine's). No test may depend on, or show, the
machine the fixtures were made on (test/unit/fixturePaths.test.ts).
"""

import glob
import json
import marshal
import os
import shutil
import subprocess
import sys
import tempfile
import types

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "test", "fixtures", "pstats")
# A fixed place, so regenerated fixtures differ only in their timings.
SAMPLE_ROOT = os.path.join(tempfile.gettempdir(), "request-profiler-pstats-sample")
IMPORTS_ROOT = os.path.join(tempfile.gettempdir(), "request-profiler-pstats-imports")
# Components of 64 characters: the module's path is over 256 characters, which marshal
# writes with the 'a'/'A' codes (32-bit length) instead of 'z'/'Z' (8-bit length).
LONG_DIRS = [("deeply_nested_package_directory_for_a_long_path_%02d_" % i).ljust(64, "x") for i in range(4)]
# An identifier over 256 characters: interned, so marshal writes it as 'A'.
LONG_NAME = "function_with_a_name_longer_than_two_hundred_and_fifty_six_characters_".ljust(260, "z")
# A file name that is not valid UTF-8 reaches Python as a lone surrogate (surrogateescape);
# marshal writes it with "surrogatepass".
UNDECODABLE_FILE = os.path.join(SAMPLE_ROOT, "undecodable-\udcff-name.py")

MAIN = '''\
"""Sample workload: recursion, a helper with several callers, decorated functions,
a method, non-ASCII names and a module under a long path."""
import functools
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, *{long_dirs!r}))

import données
import long_path_module


def logged(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return function(*args, **kwargs)
    return wrapper


def normalise(text):
    return " ".join(text.split()).lower()


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def is_even(n):
    return True if n == 0 else is_odd(n - 1)


def is_odd(n):
    return False if n == 0 else is_even(n - 1)


class Catalogue:
    def __init__(self):
        self.items = {{}}

    def add(self, title):
        self.items[normalise(title)] = len(self.items)


@logged
@functools.lru_cache(maxsize=None)
def slug(title):
    return normalise(title).replace(" ", "-")


def run_undecodable():
    namespace = {{}}
    source = "def from_undecodable_file(n):\\n    return sum(range(n))\\n"
    exec(compile(source, {undecodable!r}, "exec"), namespace)
    return namespace["from_undecodable_file"](100)


def main():
    catalogue = Catalogue()
    for i in range(30):
        catalogue.add("  Item   Number %d " % i)
        slug("Title %d" % (i % 7))
    normalise("called   from main")
    fib(15)
    is_even(40)
    données.grüße(12)
    long_path_module.walk(5)
    run_undecodable()


if __name__ == "__main__":
    main()
'''

DONNEES = '''\
"""A module and a function whose names are not ASCII."""


def grüße(n):
    return ["grüße %d" % i for i in range(n)]
'''

LONG_PATH_MODULE = '''\
"""A module whose path is over 256 characters long."""


def walk(n):
    return [{long_name}(i) for i in range(n)]


def {long_name}(i):
    return i * i
'''


IMPORTS_MAIN = '''\
"""Imports a module that does its work while it is imported, as a settings module might."""
import heavy_import

print(heavy_import.report())
'''

HEAVY_IMPORT = '''\
"""Work done at import time: the import machinery, not the script, calls this module."""


def primes_below(n):
    return [k for k in range(2, n) if all(k % d for d in range(2, int(k ** 0.5) + 1))]


TABLE = primes_below(60000)


def report():
    return "%d primes" % len(TABLE)
'''


def write_imports_fixture(python):
    """`python -m cProfile -o` of a script that imports a module which works as it loads."""
    root = IMPORTS_ROOT
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    for name, text in [("main.py", IMPORTS_MAIN), ("heavy_import.py", HEAVY_IMPORT)]:
        with open(os.path.join(root, name), "w", encoding="utf-8") as f:
            f.write(text)
    target = os.path.join(OUT, "cprofile-imports-py%s.prof" % version_of(python))
    subprocess.run([python, "-m", "cProfile", "-o", target, "main.py"], cwd=root, env=child_env(),
                   check=True, stdout=subprocess.DEVNULL)
    dump_expected(python, target, {"writer": "python -m cProfile -o, a script that imports a module"})
    shutil.rmtree(root, ignore_errors=True)


def write_sample():
    """The sample program, at a fixed path so that fixture file names are stable."""
    shutil.rmtree(SAMPLE_ROOT, ignore_errors=True)
    long_dir = os.path.join(SAMPLE_ROOT, *LONG_DIRS)
    os.makedirs(long_dir)
    with open(os.path.join(SAMPLE_ROOT, "main.py"), "w", encoding="utf-8") as f:
        f.write(MAIN.format(long_dirs=LONG_DIRS, undecodable=UNDECODABLE_FILE))
    with open(os.path.join(SAMPLE_ROOT, "données.py"), "w", encoding="utf-8") as f:
        f.write(DONNEES)
    module = os.path.join(long_dir, "long_path_module.py")
    assert len(neutral_path(module, neutral_paths())) >= 256, module
    with open(module, "w", encoding="utf-8") as f:
        f.write(LONG_PATH_MODULE.format(long_name=LONG_NAME))


def pyenv_interpreters():
    root = subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=True).stdout.strip()
    found = []
    for path in glob.glob(os.path.join(root, "versions", "3.*", "bin", "python3")):
        version = path.split(os.sep)[-3]
        major_minor = tuple(int(p) for p in version.split(".")[:2])
        if major_minor >= (3, 8):
            found.append((major_minor, path))
    return [path for _, path in sorted(found)]


def version_of(python):
    return subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                          capture_output=True, text=True, check=True).stdout.strip()


def child_env():
    env = dict(os.environ, PYTHONUTF8="1", PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTHONPATH", None)
    return env


def run_profiler(python, module, target):
    """`python -m <module> -o target main.py`, run from the sample's directory."""
    subprocess.run([python, "-m", module, "-o", target, "main.py"],
                   cwd=SAMPLE_ROOT, env=child_env(), check=True)


def run_pure_profile(python, target):
    """The pure-Python profile module through its API, as a middleware would use it."""
    script = ("import profile, sys; sys.path.insert(0, '.'); import main; "
              "p = profile.Profile(); p.runcall(main.main); p.dump_stats(%r)" % target)
    subprocess.run([python, "-c", script], cwd=SAMPLE_ROOT, env=child_env(), check=True)


def neutral_paths():
    """(this machine's path, what a fixture says instead), longest first, so that a path
    under two of them takes the more specific one. For the interpreter running this."""
    pairs = [(SAMPLE_ROOT, "/srv/app/sample"), (IMPORTS_ROOT, "/srv/app/imports"), (REPO, "/srv/app"),
             (os.path.expanduser("~"), "/home/app")]
    pairs += [(prefix, "/usr/local") for prefix in {sys.base_prefix, sys.prefix} if prefix not in ("/usr", "/usr/local")]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def neutral_path(text, pairs):
    for real, replacement in pairs:
        if text == real or text.startswith(real + os.sep):
            return replacement + text[len(real):]
    return text


def rewrite_neutral(prof):
    """prof, read and written again by this interpreter with neutral paths (neutral_paths):
    in the labels' file names and in any code object (python -m profile writes one). Each
    object is rewritten once, so what the file shared (a marshal reference) stays shared,
    and a changed string stays interned when the original was."""
    pairs = neutral_paths()
    done = {}

    def interned(text):
        return sys.intern(text[:1] + text[1:]) is text  # an equal copy: never interns `text` itself

    def rewrite(value):
        key = id(value)
        if key not in done:
            if isinstance(value, str):
                new = neutral_path(value, pairs)
                done[key] = (value, sys.intern(new) if new != value and interned(value) else new)
            elif isinstance(value, tuple):
                done[key] = (value, tuple(rewrite(item) for item in value))
            elif isinstance(value, dict):
                done[key] = (value, {rewrite(k): rewrite(v) for k, v in value.items()})
            elif isinstance(value, types.CodeType):
                done[key] = (value, value.replace(co_filename=rewrite(value.co_filename),
                                                  co_consts=rewrite(value.co_consts)))
            else:
                done[key] = (value, value)
        return done[key][1]

    with open(prof, "rb") as f:
        stats = marshal.load(f)
    rewritten = rewrite(stats)
    done.clear()  # no extra reference left: marshal marks an object shared by its reference count
    with open(prof, "wb") as f:
        marshal.dump(rewritten, f)


def neutralise(python, prof):
    """Has `python` (the interpreter that wrote prof) rewrite it with neutral paths."""
    subprocess.run([python, os.path.abspath(__file__), "--neutral", prof], env=child_env(), check=True)


def dump_expected(python, prof, extra=None):
    """Has `python` (the interpreter that wrote prof) give it neutral paths, then dump what
    its pstats reads."""
    neutralise(python, prof)
    command = [python, os.path.abspath(__file__), "--dump-expected", prof]
    if extra:
        command.append(json.dumps(extra))
    subprocess.run(command, env=child_env(), check=True)


def expected_numbers(prof, extra):
    """pstats' view of prof: every function's numbers and callers, in the file's order."""
    import pstats
    stats = pstats.Stats(prof)
    position = {key: i for i, key in enumerate(stats.stats)}
    functions = []
    for (file, line, name), (cc, nc, tt, ct, callers) in stats.stats.items():
        functions.append({
            "file": file, "line": line, "name": name, "cc": cc, "nc": nc, "tt": tt, "ct": ct,
            # [the caller's position in "functions", the value exactly as the file holds it]
            "callers": [[position[k], list(v) if isinstance(v, tuple) else v] for k, v in callers.items()],
        })
    document = {
        "python": sys.version.split()[0],
        "totalCalls": stats.total_calls,
        "primitiveCalls": stats.prim_calls,
        "totalTime": stats.total_tt,
        "functions": functions,
    }
    document.update(extra or {})
    # One function a line: small, and a diff shows what changed.
    lines = [json.dumps({k: v for k, v in document.items() if k != "functions"})[:-1] + ', "functions": [']
    lines.append(",\n".join(json.dumps(f) for f in functions))
    lines.append("]}\n")
    with open(prof + ".json", "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def rewrite_counts(source, target, change):
    """A copy of a real profile with its call counts changed by change(count)."""
    with open(source, "rb") as f:
        stats = marshal.load(f)
    rewritten = {}
    for key, (cc, nc, tt, ct, callers) in stats.items():
        rewritten[key] = (change(cc), change(nc), tt, ct,
                          {k: (change(v[0]), change(v[1]), v[2], v[3]) for k, v in callers.items()})
    with open(target, "wb") as f:
        marshal.dump(rewritten, f)


def werkzeug_profiles(directory):
    """Runs requests through Werkzeug's ProfilerMiddleware; returns {file name: request}."""
    sys.path.insert(0, SAMPLE_ROOT)
    import main as sample
    from werkzeug.middleware.profiler import ProfilerMiddleware
    from werkzeug.test import Client

    def app(environ, start_response):
        sample.main()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [environ["PATH_INFO"].encode("utf-8")]

    default = ProfilerMiddleware(app, stream=None, profile_dir=directory)
    milliseconds = ProfilerMiddleware(app, stream=None, profile_dir=directory,
                                      filename_format="{method}.{path}.{elapsed:.3f}ms.{time:.0f}.prof")
    requests = [(default, "GET", "/"), (default, "GET", "/items/42"),
                (milliseconds, "POST", "/static/app.js"), (default, "DELETE", "/users/7/")]
    written = {}
    for middleware, method, path in requests:
        before = set(os.listdir(directory))
        Client(middleware).open(path, method=method)
        (name,) = set(os.listdir(directory)) - before
        written[name] = {"method": method, "path": path}
    return written


def main():
    if sys.argv[1:2] == ["--dump-expected"]:
        expected_numbers(sys.argv[2], json.loads(sys.argv[3]) if len(sys.argv) > 3 else None)
        return
    if sys.argv[1:2] == ["--neutral"]:
        rewrite_neutral(sys.argv[2])
        return
    if sys.argv[1:2] == ["--imports"]:
        write_imports_fixture(pyenv_interpreters()[-1])
        return
    if sys.argv[1:2] == ["--werkzeug"]:
        print(json.dumps(werkzeug_profiles(sys.argv[2])))
        return

    write_sample()
    for old in glob.glob(os.path.join(OUT, "**", "*.prof*"), recursive=True):  # not loadFixtures.ts
        os.remove(old)
    os.makedirs(os.path.join(OUT, "werkzeug"), exist_ok=True)
    interpreters = pyenv_interpreters()
    for python in interpreters:
        target = os.path.join(OUT, "cprofile-py%s.prof" % version_of(python))
        run_profiler(python, "cProfile", target)
        dump_expected(python, target, {"writer": "python -m cProfile -o"})

    newest = interpreters[-1]
    write_imports_fixture(newest)
    target = os.path.join(OUT, "profile-py%s.prof" % version_of(newest))
    run_pure_profile(newest, target)
    dump_expected(newest, target, {"writer": "profile.Profile().runcall + dump_stats"})
    cli = os.path.join(OUT, "profile-cli-py%s.prof" % version_of(newest))
    run_profiler(newest, "profile", cli)
    neutralise(newest, cli)

    real = os.path.join(OUT, "cprofile-py%s.prof" % version_of(newest))
    for name, change, writer in [("large-counts.prof", lambda n: n * 2 ** 40, "counts multiplied by 2**40"),
                                 ("unknown-counts.prof", lambda n: -1, "counts replaced by -1")]:
        rewrite_counts(real, os.path.join(OUT, name), change)
        dump_expected(newest, os.path.join(OUT, name), {"writer": "marshal.dump of %s, %s" % (os.path.basename(real), writer)})

    debian = "/usr/bin/python3"
    werkzeug_dir = os.path.join(OUT, "werkzeug")
    listing = subprocess.run([debian, os.path.abspath(__file__), "--werkzeug", werkzeug_dir],
                             cwd=SAMPLE_ROOT, env=child_env(), capture_output=True, text=True, check=True)
    for name, request in json.loads(listing.stdout).items():
        dump_expected(debian, os.path.join(werkzeug_dir, name),
                      {"writer": "werkzeug ProfilerMiddleware", "request": request})
    print("wrote", sum(len(files) for _, _, files in os.walk(OUT)), "files in", OUT)


if __name__ == "__main__":
    main()
