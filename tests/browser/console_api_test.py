#!/usr/bin/python3
"""The console's JSON API refuses what docs/console-api.md says it refuses, asked with plain
HTTP (urllib, no browser): no token, a wrong token, a viewer's action, a cookie's action
without the session's CSRF token. Each refusal is checked beside the same request made
right, so that a 401 or 403 is the refusal and not a broken request.

Run: console_api_test.py --mamori BIN --demogen BIN --filler BIN --build DIR --source DIR [Class ...]
"""
import http.cookies
import json
import urllib.error
import urllib.request

import test_context
from console_process import console_server
from console_test_case import ConsoleTestCase
from mamori_runs import filled_store
from store_incidents import StoreIncidents


class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body) if self.body else None


class Api(ConsoleTestCase):
    uses_browser = False

    def setUp(self):
        super().setUp()
        store = filled_store(self.dir, 5)
        self.key = StoreIncidents.load(store).incidents[0]["key"]
        self.analyst_token = self.accounts.add_token("soar", "analyst")
        self.viewer_token = self.accounts.add_token("dashboard", "viewer")
        self.server = self.started(console_server(self.dir, store, self.accounts.path))

    def request(self, method, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.server.url + path, data=data, method=method, headers=dict(headers or {}))
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=10) as answer:
                return Answer(answer.status, answer.headers, answer.read().decode())
        except urllib.error.HTTPError as e:
            return Answer(e.code, e.headers, e.read().decode())

    def act(self, headers, action="acknowledge"):
        return self.request("POST", f"/api/incidents/{self.key}/actions", {"action": action}, headers)

    def session(self, user):
        """Signs in; returns (the Cookie header, the csrf value, the Set-Cookie header)."""
        answer = self.request("POST", "/api/session", {"user": user, "password": self.accounts.passwords[user]})
        self.assertEqual(answer.status, 200, answer.body)
        set_cookie = answer.headers.get("Set-Cookie", "")
        cookie = http.cookies.SimpleCookie(set_cookie)
        self.assertIn("mamori_session", cookie, set_cookie)
        body = answer.json()
        self.assertEqual(body["user"], user)
        self.assertTrue(body["csrf"])
        return f"mamori_session={cookie['mamori_session'].value}", body["csrf"], set_cookie

    def assert_refused(self, answer, status, what):
        self.assertEqual(answer.status, status, f"{what}: {answer.body}")
        self.assertIn("error", answer.json() or {}, f"{what}: a refusal says why in {{\"error\"}}")

    def test_no_token_and_a_wrong_token_get_401(self):
        signed_out = self.request("GET", "/api/session")
        self.assertEqual((signed_out.status, signed_out.json()), (200, {"user": None, "role": None, "csrf": None}),
                         "signed out is an answer, not an error")
        self.assert_refused(self.request("GET", "/api/incidents"), 401, "no credentials")
        self.assert_refused(self.request("GET", "/api/incidents", headers={"Authorization": "Bearer " + "0" * 43}),
                            401, "a wrong token")
        self.assert_refused(self.request("GET", "/api/incidents",
                                         headers={"Authorization": "Bearer " + self.viewer_token + "x"}),
                            401, "a token with a character added")
        self.assert_refused(self.request("GET", "/api/incidents", headers={"Cookie": "mamori_session=forged"}),
                            401, "a forged session cookie")
        self.assert_refused(self.act({}), 401, "an action without credentials")
        good = self.request("GET", "/api/incidents", headers={"Authorization": "Bearer " + self.viewer_token})
        self.assertEqual(good.status, 200, good.body)
        self.assertEqual(good.json()["total"], 5)

    def test_a_wrong_password_gets_401_the_same_for_an_unknown_user(self):
        wrong = self.request("POST", "/api/session", {"user": "alice", "password": "wrong"})
        unknown = self.request("POST", "/api/session", {"user": "mallory", "password": "wrong"})
        self.assert_refused(wrong, 401, "a wrong password")
        self.assertEqual((unknown.status, unknown.body), (wrong.status, wrong.body),
                         "an unknown user is answered as a wrong password")
        self.assertIsNone(wrong.headers.get("Set-Cookie"))

    def test_a_viewer_token_s_action_gets_403_an_analyst_token_s_200(self):
        self.assert_refused(self.act({"Authorization": "Bearer " + self.viewer_token}), 403, "a viewer token's action")
        ok = self.act({"Authorization": "Bearer " + self.analyst_token})
        self.assertEqual(ok.status, 200, ok.body)
        self.assertEqual(ok.json()["triage"]["status"], "acknowledged")
        self.assertEqual(ok.json()["action"]["user"], "soar")

    def test_a_cookie_s_action_needs_the_csrf_token(self):
        cookie, csrf, set_cookie = self.session("alice")
        attributes = [a.strip() for a in set_cookie.lower().split(";")]
        for attribute in ("httponly", "samesite=strict", "path=/"):
            self.assertIn(attribute, attributes, f"the session cookie: {set_cookie}")
        self.assertNotIn("secure", attributes, "plain HTTP on loopback: no Secure")
        self.assertEqual(self.request("GET", "/api/session", headers={"Cookie": cookie}).json()["role"], "analyst")
        self.assert_refused(self.act({"Cookie": cookie}), 403, "an analyst's cookie without X-CSRF-Token")
        self.assert_refused(self.act({"Cookie": cookie, "X-CSRF-Token": csrf[:-1] + ("0" if csrf[-1] != "0" else "1")}),
                            403, "an analyst's cookie with a wrong X-CSRF-Token")
        ok = self.act({"Cookie": cookie, "X-CSRF-Token": csrf})
        self.assertEqual(ok.status, 200, ok.body)
        self.assertEqual(ok.json()["action"]["user"], "alice")
        ended = self.request("DELETE", "/api/session", headers={"Cookie": cookie, "X-CSRF-Token": csrf})
        self.assertEqual(ended.status, 204, ended.body)
        self.assert_refused(self.request("GET", "/api/incidents", headers={"Cookie": cookie}), 401,
                            "the cookie of an ended session")

    def test_a_viewer_session_s_action_gets_403_even_with_csrf(self):
        cookie, csrf, _ = self.session("victor")
        self.assertEqual(self.request("GET", "/api/incidents", headers={"Cookie": cookie}).status, 200)
        self.assert_refused(self.act({"Cookie": cookie, "X-CSRF-Token": csrf}), 403, "a viewer's action")


if __name__ == "__main__":
    test_context.main()
