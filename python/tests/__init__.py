"""The middleware's tests. Importing them clears the package's REQUEST_PROFILER* variables
from this process's environment, so that one exported in the shell changes no test, including
those not built on TempDirTestCase and the servers and interpreters they start (which inherit
it): every test says itself which engine, folder or switch it runs with."""

from .support import clear_profiler_environment

clear_profiler_environment()
