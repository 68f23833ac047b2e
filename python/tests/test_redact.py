import unittest

from request_profiler.redact import REDACTED, Redactor, normalise_name

from .support import PACKAGE_ROOT  # noqa: F401

R = REDACTED


class RedactorTest(unittest.TestCase):
    def test_default_secret_names(self):
        r = Redactor()
        for name in ("HTTP_COOKIE", "Cookie", "HTTP_AUTHORIZATION", "Proxy-Authorization", "HTTP_X_API_KEY",
                     "X-Api-Key", "HTTP_X_CSRFTOKEN", "DJANGO_SECRET_KEY", "DB_PASSWORD", "session_id",
                     "Set-Cookie", "access_token", "STRIPE_KEY", "SENTRY_DSN", "AWS_ACCESS_KEY_ID", "apikey",
                     "MYAPP_AUTH", "auth", "X-Auth-Token", "PHPSESSID", "sid", "pwd", "pass", "passphrase",
                     "X-Amz-Signature", "sig", "X-Amz-Credential", "code", "jwt", "otp", "SLACK_WEBHOOK_URL",
                     "SAMLResponse", "privatekey", "user[password]", "pass%77ord", "pass%2577ord", "api+key",
                     "headers.x-api-key"):
            self.assertTrue(r.is_secret(name), name)
        for name in ("PATH_INFO", "HTTP_USER_AGENT", "Content-Type", "HTTP_AUTHOR", "wsgi.input", "HTTP_ACCEPT",
                     "author", "country_code", "monkey", "keyboard", "HTTP_X_PASSENGER", "compass", "HTTP_REFERER",
                     "REQUEST_URI", "Location", "sort", "next"):
            self.assertFalse(r.is_secret(name), name)

    def test_names_are_normalised(self):
        self.assertEqual(normalise_name("HTTP_X_API_KEY"), "x-api-key")
        self.assertEqual(normalise_name("headers.x-api-key"), "x-api-key")
        self.assertEqual(normalise_name("pass%2577ord"), "password")
        self.assertEqual(normalise_name("user%5Bpassword%5D"), "user-password")

    def test_configurable_extra_names_and_switch_off(self):
        self.assertTrue(Redactor(extra_patterns=["^x-tenant$"]).is_secret("HTTP_X_TENANT"))
        self.assertEqual(Redactor(enabled=False).value("HTTP_COOKIE", "a=b"), "a=b")
        self.assertEqual(Redactor(enabled=False).value("REQUEST_URI", "/?password=x"), "/?password=x")

    def test_values_and_pairs(self):
        r = Redactor()
        self.assertEqual(r.pairs([("Cookie", "a=1"), ("Accept", "*/*")]), [("Cookie", R), ("Accept", "*/*")])
        self.assertEqual(r.value("DATABASE_URL", "postgres://bob:hunter2@db:5432/app"), "postgres://bob:%s@db:5432/app" % R)
        self.assertEqual(r.value("DATABASE_URL", "postgres://bob:p@ss@db/app"), "postgres://bob:%s@db/app" % R)
        self.assertEqual(r.value("REDIS_URL", "redis://:pw@cache:6379/0"), "redis://:%s@cache:6379/0" % R)
        self.assertEqual(r.value("BROKER", "https://key123@o1.ingest.example/1"), "https://%s@o1.ingest.example/1" % R)
        self.assertEqual(r.value("HOME_PAGE", "https://example.com/a@b"), "https://example.com/a@b")
        self.assertEqual(r.value("HTTP_USER_AGENT", "Mozilla/5.0 (X11; Linux)"), "Mozilla/5.0 (X11; Linux)")

    def test_query_values_with_secret_names(self):
        r = Redactor()
        self.assertEqual(r.query("a=1&access_token=xyz&b=%20&flag&Password=p"),
                         "a=1&access_token=%s&b=%%20&flag&Password=%s" % (R, R))
        self.assertEqual(r.query("a=1;password=p;b=2"), "a=1;password=%s;b=2" % R)
        self.assertEqual(r.query("pass%77ord=p&x=1"), "pass%%77ord=%s&x=1" % R)
        self.assertEqual(r.query(""), "")

    def test_urls_inside_query_values(self):
        r = Redactor()
        self.assertEqual(r.query("next=https://u:pw@host/"), "next=https://u:%s@host/" % R)
        self.assertEqual(r.query("next=https%3A%2F%2Fu%3Apw%40host%2F&a=1"), "next=https://u:%s@host/&a=1" % R)
        self.assertEqual(r.query("next=%2Fa%3Ftoken%3Dt%26b%3D1"), "next=/a%%3Ftoken%%3D%s%%26b%%3D1" % R)
        self.assertEqual(r.query("next=%2Fhome"), "next=%2Fhome")

    def test_values_that_carry_a_url(self):
        r = Redactor()
        self.assertEqual(r.value("REQUEST_URI", "/login?user=bob&password=pw"), "/login?user=bob&password=%s" % R)
        self.assertEqual(r.value("RAW_URI", "/cart;jsessionid=abc/items?x=1"), "/cart;jsessionid=%s/items?x=1" % R)
        self.assertEqual(r.value("HTTP_REFERER", "https://a.example/cb#access_token=t&state=s"),
                         "https://a.example/cb#access_token=%s&state=s" % R)
        self.assertEqual(r.value("Location", "/p#top"), "/p#top")
        self.assertEqual(r.value("Refresh", "0; url=/next?auth=t"), "0; url=/next?auth=%s" % R)

    def test_free_text(self):
        r = Redactor()
        self.assertEqual(r.value("werkzeug.request", "<Request 'http://h/?password=pw' [GET]>"),
                         "<Request 'http://h/?password=%s' [GET]>" % R)
        self.assertEqual(r.value("app.settings", "{'db_password': 'pw', 'debug': True}"),
                         "{'db_password': '%s', 'debug': True}" % R)
        self.assertEqual(r.value("DB", "Server=db;User Id=sa;Password=pw;"), "Server=db;User Id=sa;Password=%s;" % R)
        self.assertEqual(r.value("app.note", "Authorization=Bearer abc.def rest"), "Authorization=%s rest" % R)
        self.assertEqual(r.value("app.note", "a=1, b=2"), "a=1, b=2")

    def test_token_shapes_anywhere(self):
        r = Redactor()
        jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
        self.assertEqual(r.query("t=" + jwt), "t=" + R)
        self.assertEqual(r.value("NOTE", "key sk_live_abcdefgh1234 here"), "key %s here" % R)
        self.assertEqual(r.value("X", "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----"), R)
        self.assertEqual(r.value("X", "AKIAABCDEFGHIJKLMNOP"), R)

    def test_found_secrets_are_scrubbed_everywhere_else(self):
        redaction = Redactor().start()
        self.assertEqual(redaction.value("HTTP_COOKIE", "theme=dark; sessionid=s3cr3tvalue"), R)
        self.assertEqual(redaction.query("api_key=k3yk3yk3y"), "api_key=" + R)
        self.assertEqual(redaction.value("HTTP_AUTHORIZATION", "Bearer b34r3rt0k3n"), R)
        scrubbed = redaction.scrub({"error": ["bad key k3yk3yk3y for s3cr3tvalue", "Bearer b34r3rt0k3n"], "n": 1,
                                    "short": "dark"})
        self.assertEqual(scrubbed, {"error": ["bad key %s for %s" % (R, R), R], "n": 1, "short": "dark"})


if __name__ == "__main__":
    unittest.main()
