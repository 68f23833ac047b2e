"""`python -m request_profiler run -- COMMAND`: profile every request of an app run
with its usual command, without editing it.

command.py         the launcher (parses options, sets the environment, execs the command)
bootstrap/         a sitecustomize.py every process of the command loads first
autoinstall.py     what that sitecustomize calls, when the launcher's marker is set
import_hooks.py    run a function right after a module is imported
framework_hooks.py the patches for Flask, Django, Starlette/FastAPI, Pyramid, wsgiref...
auto_wrap.py       wrap an app found that way in the middleware, once

Kept empty of imports: every process of the command loads this package.
"""
