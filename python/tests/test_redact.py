import unittest

from request_profiler.redact import REDACTED, Redactor

from .support import PACKAGE_ROOT  # noqa: F401


class RedactorTest(unittest.TestCase):
    def test_default_secret_names(self):
        r = Redactor()
        for name in ("HTTP_COOKIE", "Cookie", "HTTP_AUTHORIZATION", "Proxy-Authorization", "HTTP_X_API_KEY",
                     "X-Api-Key", "HTTP_X_CSRFTOKEN", "DJANGO_SECRET_KEY", "DB_PASSWORD", "session_id",
                     "Set-Cookie", "access_token"):
            self.assertTrue(r.is_secret(name), name)
        for name in ("PATH_INFO", "HTTP_USER_AGENT", "Content-Type", "HTTP_AUTHOR", "wsgi.input", "HTTP_ACCEPT"):
            self.assertFalse(r.is_secret(name), name)

    def test_configurable_extra_names_and_switch_off(self):
        self.assertTrue(Redactor(extra_patterns=["^x-tenant$"]).is_secret("HTTP_X_TENANT"))
        self.assertEqual(Redactor(enabled=False).value("HTTP_COOKIE", "a=b"), "a=b")

    def test_values_and_pairs(self):
        r = Redactor()
        self.assertEqual(r.pairs([("Cookie", "a=1"), ("Accept", "*/*")]), [("Cookie", REDACTED), ("Accept", "*/*")])
        self.assertEqual(r.value("DATABASE_URL", "postgres://bob:hunter2@db:5432/app"),
                         "postgres://bob:%s@db:5432/app" % REDACTED)
        self.assertEqual(r.value("HOME_PAGE", "https://example.com/a@b"), "https://example.com/a@b")

    def test_query_values_with_secret_names(self):
        r = Redactor()
        self.assertEqual(r.query("a=1&access_token=xyz&b=%20&flag&Password=p"),
                         "a=1&access_token=%s&b=%%20&flag&Password=%s" % (REDACTED, REDACTED))
        self.assertEqual(r.query(""), "")


if __name__ == "__main__":
    unittest.main()
