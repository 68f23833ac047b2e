"""Hostile requests: secrets in every shape a request, a server or an app can carry them,
under WSGI and ASGI. Each secret is a unique marker; none may appear anywhere in the
files written (.rprof.json, .dot, .prof), and every profile must still be written."""

import asyncio
import os
import unittest
from typing import Any, Callable, Dict, List, NamedTuple, Sequence, Tuple
from urllib.parse import quote

from request_profiler import ASGIProfilerMiddleware, ProfilerMiddleware

from .support import TempDirTestCase, call, load, make_environ, profile_files

# Markers are letters and digits only: percent-encoding and JSON leave them as they are,
# so "not in the file's bytes" is a complete check.
_count = [0]


def marker() -> str:
    _count[0] += 1
    return "Zq%03dSecretMarker" % _count[0]


class UrlRepr:
    """What frameworks put in the environ (werkzeug.request, webob.request): an object
    whose repr carries the whole URL."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __repr__(self) -> str:
        return "<Request %r [GET]>" % self.url


class Case(NamedTuple):
    what: str
    secret: str
    #: WSGI: what the request's environ adds to make_environ's; ASGI: asgi_scope's arguments.
    request: Dict[str, Any]
    response_headers: List[Any]


def case(what: str, parts: Callable[[str], Dict[str, Any]]) -> Case:
    """A case with its own secret: parts(secret) gives the request's parts, and under
    "response" the response headers the app sends."""
    secret = marker()
    request = parts(secret)
    return Case(what, secret, request, request.pop("response", []))


def wsgi_cases() -> List[Case]:
    return [
        case("REQUEST_URI and RAW_URI repeat the query", lambda s: {
            "QUERY_STRING": "page=2&password=" + s, "REQUEST_URI": "/login?page=2&password=" + s,
            "RAW_URI": "/login?page=2&password=" + s}),
        case("password in a URL in a query value", lambda s: {
            "QUERY_STRING": "next=https://u:%s@host/x" % s, "REQUEST_URI": "/login?next=https://u:%s@host/x" % s}),
        case("password in a percent-encoded URL in a query value", lambda s: {
            "QUERY_STRING": "next=" + quote("https://u:%s@host/x" % s, safe="")}),
        case("query in a percent-encoded query value", lambda s: {
            "QUERY_STRING": "next=" + quote("/account?api_key=%s&x=1" % s, safe="")}),
        case("semicolon-separated parameters", lambda s: {"QUERY_STRING": "a=1;password=%s;b=2" % s}),
        case("percent-encoded parameter name", lambda s: {"QUERY_STRING": "pass%%77ord=%s" % s}),
        case("doubly percent-encoded parameter name", lambda s: {"QUERY_STRING": "pass%%2577ord=%s" % s}),
        case("bracketed parameter name", lambda s: {"QUERY_STRING": "user%%5Bpassword%%5D=%s" % s}),
        case("plus in a parameter name", lambda s: {"QUERY_STRING": "api+key=%s" % s}),
        *[case("query parameter %s" % name, lambda s, name=name: {
            "QUERY_STRING": "a=1&%s=%s" % (name, s), "REQUEST_URI": "/p?a=1&%s=%s" % (name, s)})
          for name in ("access_token", "id_token", "refresh_token", "apikey", "api-key", "key", "client_secret",
                       "signature", "sig", "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token",
                       "session_id", "PHPSESSID", "jsessionid", "auth", "private_key", "passwd", "pwd", "pass",
                       "PASSWORD", "jwt", "code", "otp", "dsn", "hmac", "credentials")],
        case("path parameter (;jsessionid=)", lambda s: {
            "PATH_INFO": "/cart;jsessionid=%s/items" % s, "REQUEST_URI": "/cart;jsessionid=%s/items" % s}),
        case("decoded ? in PATH_INFO", lambda s: {"PATH_INFO": "/a?password=%s" % s, "REQUEST_URI": "/a%%3Fpassword=%s" % s}),
        case("Referer with a token in the query", lambda s: {"HTTP_REFERER": "https://site.example/cb?token=%s" % s}),
        case("Referer with a token in the fragment", lambda s: {"HTTP_REFERER": "https://site.example/cb#access_token=%s" % s}),
        case("Referer with credentials", lambda s: {"HTTP_REFERER": "https://bob:%s@site.example/" % s}),
        case("URL whose user part is the key", lambda s: {"HTTP_X_FORWARDED_URL": "https://%s@site.example/" % s}),
        *[case("header %s" % header, lambda s, header=header: {header: "Bearer %s" % s})
          for header in ("HTTP_AUTHORIZATION", "HTTP_PROXY_AUTHORIZATION", "HTTP_COOKIE", "HTTP_X_API_KEY",
                         "HTTP_X_AUTH_TOKEN", "HTTP_X_CSRFTOKEN", "HTTP_X_HUB_SIGNATURE", "HTTP_X_AMZ_SECURITY_TOKEN",
                         "HTTP_X_SESSION_ID", "HTTP_AUTH")],
        case("a cookie value echoed elsewhere", lambda s: {
            "HTTP_COOKIE": "theme=dark; sessionid=%s" % s, "app.note": "resumed session %s" % s}),
        case("a framework object whose repr has the URL", lambda s: {
            "QUERY_STRING": "password=" + s, "werkzeug.request": UrlRepr("http://h/login?password=" + s)}),
        case("a dict repr with a secret-named key", lambda s: {"app.settings": {"db_password": s, "debug": True}}),
        case("a bearer token shaped like a JWT under an innocent name", lambda s: {
            "QUERY_STRING": "t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.%s" % s}),
        case("Location with a token", lambda s: {"response": [("Location", "/welcome?next=/&token=%s" % s)]}),
        case("Location with a fragment token", lambda s: {
            "response": [("Location", "https://app.example/cb#access_token=%s" % s)]}),
        case("Set-Cookie", lambda s: {"response": [("Set-Cookie", "sid=%s; HttpOnly" % s)]}),
        case("Refresh with a URL", lambda s: {"response": [("Refresh", "0; url=/next?auth=%s" % s)]}),
    ]


def server_environment_cases() -> List[Tuple[str, str, str]]:
    """(variable, value, secret) of a server process environment, as wsgiref copies it."""
    cases = []
    for name, shape in (("STRIPE_KEY", "sk_live_%s"), ("AWS_SECRET_ACCESS_KEY", "%s"), ("GITHUB_TOKEN", "ghp_%s"),
                        ("SENTRY_DSN", "https://%s@o1.ingest.sentry.io/1"),
                        ("DATABASE_URL", "postgres://app:%s@db:5432/app"),
                        ("REDIS_URL", "redis://:%s@cache:6379/0"),
                        ("DB_CONNECTION", "Server=db;Database=app;User Id=sa;Password=%s;"),
                        ("SLACK_WEBHOOK", "https://hooks.slack.com/services/T0/B0/%s"),
                        ("APP_PRIVATE_KEY", "-----BEGIN PRIVATE KEY-----%s-----END PRIVATE KEY-----"),
                        ("MYAPP_AUTH", "%s"), ("CREDENTIALS", "%s"), ("SESSION_SECRET", "%s")):
        s = marker()
        cases.append((name, shape % s, s))
    return cases


def side_files(directory: str) -> List[str]:
    return sorted(os.path.join(directory, n) for n in os.listdir(directory)
                  if n.endswith((".rprof.json", ".dot", ".prof")))


class SecretsTestCase(TempDirTestCase):
    def assert_no_case_leaks(self, cases: List[Case], serve: Callable[[Case], Any]) -> None:
        """Serves each case's request through the middleware serve(case) makes for it; then
        every case has its profile and no case's secret is in any file."""
        for each in cases:
            mw = serve(each)
            self.assertTrue(mw.writer.flush(10))
            mw.writer.close()
        self.assert_nowhere([(each.what, each.secret) for each in cases], len(cases))

    def assert_nowhere(self, secrets, expected_profiles):
        profiles = profile_files(self.profile_dir)
        self.assertEqual(len(profiles), expected_profiles)
        files = side_files(self.profile_dir)
        self.assertTrue(any(f.endswith(".dot") for f in files))
        self.assertTrue(any(f.endswith(".prof") for f in files))
        leaks = []
        for path in files:
            with open(path, "rb") as f:
                data = f.read()
            leaks += ["%s (%s)" % (what, path.rsplit(".", 1)[-1]) for what, secret in secrets if secret.encode() in data]
        self.assertEqual(leaks, [], "%d secret(s) leak" % len(leaks))


def crunch():
    return sum(i * i for i in range(3000))


class WsgiSecretsTest(SecretsTestCase):
    def test_no_secret_of_a_hostile_request_reaches_any_file(self):
        def serve(case: Case) -> ProfilerMiddleware:
            def app(environ, start_response):
                crunch()
                start_response("200 OK", [("Content-Type", "text/plain")] + case.response_headers)
                return [b"ok"]

            mw = ProfilerMiddleware(app, profile_dir=self.profile_dir, write_prof=True, keep_max_files=0,
                                    dot_node_threshold=0, queue_size=1000)
            extra = dict(case.request)
            environ = make_environ(extra.pop("PATH_INFO", "/p"), query=extra.pop("QUERY_STRING", ""))
            environ.update(extra)
            self.assertEqual(call(mw, environ), b"ok")
            return mw

        self.assert_no_case_leaks(wsgi_cases(), serve)

    def test_a_secret_the_app_echoes_in_its_error_is_scrubbed(self):
        secret, cookie = marker(), marker()

        def app(environ, start_response):
            raise ValueError("login failed for %s with session %s" % (environ["QUERY_STRING"], cookie))

        mw = ProfilerMiddleware(app, profile_dir=self.profile_dir, write_prof=True, dot_node_threshold=0)
        self.addCleanup(mw.writer.close)
        environ = make_environ("/login", query="user=bob&password=" + secret, HTTP_COOKIE="sessionid=" + cookie)
        with self.assertRaises(ValueError):
            call(mw, environ)
        self.assertTrue(mw.writer.flush(10))
        doc = load(profile_files(self.profile_dir)[0])
        self.assertEqual(doc["error"]["message"], "login failed for user=bob&password=[redacted] with session [redacted]")
        self.assertIn("[redacted]", doc["error"]["traceback"])
        self.assert_nowhere([("query", secret), ("cookie", cookie)], 1)

    def test_what_is_not_secret_is_kept(self):
        def app(environ, start_response):
            start_response("302 Found", [("Location", "/next?page=3&token=abcdefgh")])
            return [b""]

        mw = ProfilerMiddleware(app, profile_dir=self.profile_dir)
        self.addCleanup(mw.writer.close)
        environ = make_environ("/cart;v=2/items", query="page=2&sort=name;password=hunter22&next=%2Fhome",
                               HTTP_REFERER="https://bob:pw123456@site.example/a?q=shoes&token=t0k3n#top",
                               HTTP_USER_AGENT="tester")
        environ["REQUEST_URI"] = "/cart;v=2/items?page=2&sort=name;password=hunter22&next=%2Fhome"
        call(mw, environ)
        self.assertTrue(mw.writer.flush(10))
        doc = load(profile_files(self.profile_dir)[0])
        self.assertEqual(doc["header"]["query"], "page=2&sort=name;password=[redacted]&next=%2Fhome")
        self.assertEqual(doc["header"]["path"], "/cart;v=2/items")
        self.assertEqual(doc["environ"]["REQUEST_URI"], "/cart;v=2/items?page=2&sort=name;password=[redacted]&next=%2Fhome")
        self.assertEqual(doc["environ"]["HTTP_REFERER"], "https://bob:[redacted]@site.example/a?q=shoes&token=[redacted]#top")
        self.assertEqual(doc["environ"]["HTTP_USER_AGENT"], "tester")
        self.assertEqual(dict(doc["response"]["headers"])["Location"], "/next?page=3&token=[redacted]")

    def test_the_server_process_environment_is_not_recorded(self):
        """wsgiref copies os.environ into every request's environ."""
        cases = server_environment_cases()

        def app(environ, start_response):
            start_response("200 OK", [])
            return [b"ok"]

        mw = ProfilerMiddleware(app, profile_dir=self.profile_dir, write_prof=True, dot_node_threshold=0)
        self.addCleanup(mw.writer.close)
        environ = {name: value for name, value, _ in cases}
        environ.update({"HOME": "/home/app", "PATH": "/usr/bin", "LANG": "C.UTF-8"})
        environ.update(make_environ("/p", HTTP_USER_AGENT="tester"))
        environ.update({"REQUEST_URI": "/p", "SCRIPT_NAME": "", "REMOTE_ADDR": "10.0.0.1", "gunicorn.socket": "<socket>"})
        call(mw, environ)
        self.assertTrue(mw.writer.flush(10))
        self.assert_nowhere([(name, secret) for name, _, secret in cases], 1)
        doc = load(profile_files(self.profile_dir)[0])
        recorded = doc["environ"]
        for name in ("PATH_INFO", "QUERY_STRING", "REQUEST_METHOD", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
                     "SCRIPT_NAME", "REMOTE_ADDR", "REQUEST_URI", "HTTP_USER_AGENT", "HTTP_HOST", "wsgi.url_scheme",
                     "wsgi.input", "gunicorn.socket"):
            self.assertIn(name, recorded)
        for name in [n for n, _, _ in cases] + ["HOME", "PATH", "LANG"]:
            self.assertNotIn(name, recorded)
        self.assertTrue(any("process environment" in note and "record_server_environ" in note
                            for note in doc["profile"]["notes"]), doc["profile"]["notes"])

    def test_the_server_process_environment_on_request_is_redacted(self):
        cases = server_environment_cases()

        def app(environ, start_response):
            start_response("200 OK", [])
            return [b"ok"]

        mw = ProfilerMiddleware(app, profile_dir=self.profile_dir, write_prof=True, dot_node_threshold=0,
                                record_server_environ="true")
        self.addCleanup(mw.writer.close)
        environ = {name: value for name, value, _ in cases}
        environ["HOME"] = "/home/app"
        environ.update(make_environ("/p"))
        call(mw, environ)
        self.assertTrue(mw.writer.flush(10))
        self.assert_nowhere([(name, secret) for name, _, secret in cases], 1)
        recorded = load(profile_files(self.profile_dir)[0])["environ"]
        self.assertEqual(recorded["HOME"], "/home/app")
        self.assertEqual(recorded["DATABASE_URL"], "postgres://app:[redacted]@db:5432/app")
        self.assertEqual(recorded["SENTRY_DSN"], "[redacted]")


def asgi_scope(path: str = "/p", query: bytes = b"", headers: Sequence[Tuple[bytes, bytes]] = (), **extra: Any) -> Dict[str, Any]:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode("utf-8", "surrogateescape"), "query_string": query,
             "root_path": "", "headers": [(b"host", b"testserver")] + list(headers), "client": ("127.0.0.1", 5000),
             "server": ("testserver", 80)}
    scope.update(extra)
    return scope


async def receive():
    return {"type": "http.request", "body": b"", "more_body": False}


async def ignore(message):
    pass


def asgi_cases() -> List[Case]:
    return [
        case("password in a URL in a query value", lambda s: {"query": b"next=https://u:%s@host/" % s.encode()}),
        case("password in a percent-encoded URL", lambda s: {
            "query": ("next=" + quote("https://u:%s@host/" % s, safe="")).encode()}),
        case("semicolon-separated parameters", lambda s: {"query": b"a=1;password=%s" % s.encode()}),
        case("percent-encoded parameter name", lambda s: {"query": b"pass%%77ord=%s" % s.encode()}),
        case("raw_path with a path parameter", lambda s: {"path": "/cart;jsessionid=%s" % s}),
        case("raw_path with an encoded query", lambda s: {"path": "/a?password=%s" % s}),
        case("referer", lambda s: {"headers": [(b"referer", b"https://x.example/?token=%s" % s.encode())]}),
        case("authorization", lambda s: {"headers": [(b"authorization", b"Basic %s" % s.encode())]}),
        case("cookie", lambda s: {"headers": [(b"cookie", b"a=1; session=%s" % s.encode())]}),
        case("x-amz-security-token", lambda s: {"headers": [(b"x-amz-security-token", s.encode())]}),
        case("session in the scope", lambda s: {"session": {"user": 1, "csrf": s}}),
        case("state holding a DSN", lambda s: {"state": {"db": "postgresql://app:%s@db/app" % s}}),
        case("location", lambda s: {"response": [(b"location", b"/next?access_token=%s" % s.encode())]}),
        case("set-cookie", lambda s: {"response": [(b"set-cookie", b"sid=%s" % s.encode())]}),
    ]


class AsgiSecretsTest(SecretsTestCase):
    def test_no_secret_of_a_hostile_request_reaches_any_file(self):
        def serve(case: Case) -> ASGIProfilerMiddleware:
            async def app(scope, receive, send):
                crunch()
                await send({"type": "http.response.start", "status": 200, "headers": case.response_headers})
                await send({"type": "http.response.body", "body": b"ok"})

            mw = ASGIProfilerMiddleware(app, profile_dir=self.profile_dir, write_prof=True, keep_max_files=0,
                                        dot_node_threshold=0)
            asyncio.run(mw(asgi_scope(**case.request), receive, ignore))
            return mw

        self.assert_no_case_leaks(asgi_cases(), serve)


if __name__ == "__main__":
    unittest.main()
