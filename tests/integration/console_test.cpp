// The console as an operator starts it: `mamori ui` over a store, refusing plain HTTP off
// loopback and a half-given certificate with the setting named, and over HTTPS (a real
// certificate made by openssl, real curl) marking its session cookie Secure and sending
// HSTS and its Content-Security-Policy. The browser tests (tests/browser) drive the page.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

#include <rapidjson/document.h>

#include "tests/integration/gsoc_lab.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

struct UiProcess {
  int pid = -1;
  ~UiProcess() {
    if (pid > 0) {
      kill(pid, SIGTERM);
      waitpid(pid, nullptr, 0);
    }
  }
};

std::string addAnalyst(const std::string& dir) {
  const std::string accounts = dir + "/accounts";
  EXPECT_EQ(run("echo 'correct-horse-battery' | " + mamoriBinary() + " ui users add alice --role analyst --accounts '" +
                accounts + "' >/dev/null")
                .exit_code,
            0);
  return accounts;
}

TEST(Console, PlainHttpOffLoopbackAndHalfACertificateAreRefusedNamingTheSetting) {
  const std::string dir = tempDir();
  const std::string accounts = addAnalyst(dir);
  const std::string store = dir + "/incidents.db";
  auto open = run(mamoriBinary() + " ui --store '" + store + "' --accounts '" + accounts +
                  "' --listen 0.0.0.0:0 2>&1");
  EXPECT_EQ(open.exit_code, 1);
  EXPECT_NE(open.out.find("ui.listen: 0.0.0.0:0 is reachable from other machines"), std::string::npos) << open.out;
  auto half = run(mamoriBinary() + " ui --store '" + store + "' --accounts '" + accounts +
                  "' --tls-cert /nonexistent.pem 2>&1");
  EXPECT_EQ(half.exit_code, 1);
  EXPECT_NE(half.out.find("ui.tls-cert and ui.tls-key"), std::string::npos) << half.out;
  auto no_accounts = run(mamoriBinary() + " ui --store '" + store + "' 2>&1");
  EXPECT_EQ(no_accounts.exit_code, 1);
  EXPECT_NE(no_accounts.out.find("ui.accounts"), std::string::npos) << no_accounts.out;
}

TEST(Console, OverHttpsTheSessionCookieIsSecureAndThePageIsConfined) {
  const std::string dir = tempDir();
  const std::string accounts = addAnalyst(dir);
  ASSERT_EQ(run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -keyout '" + dir +
                "/key.pem' -out '" + dir + "/cert.pem' >/dev/null 2>&1")
                .exit_code,
            0);
  const int port = freeTcpPort();
  UiProcess ui;
  ui.pid = spawnLogged({mamoriBinary(), "ui", "--store", dir + "/incidents.db", "--accounts", accounts, "--listen",
                        "127.0.0.1:" + std::to_string(port), "--tls-cert", dir + "/cert.pem", "--tls-key",
                        dir + "/key.pem"},
                       dir + "/ui.log", false);
  ASSERT_GT(ui.pid, 0);
  const std::string url = "https://127.0.0.1:" + std::to_string(port);
  bool up = false;
  for (int i = 0; i < 100 && !up; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    up = run("curl -skf -o /dev/null " + url + "/").exit_code == 0;
  }
  ASSERT_TRUE(up) << readFile(dir + "/ui.log");
  EXPECT_NE(run("curl -sf -o /dev/null " + url + "/ 2>&1").exit_code, 0) << "a client that checks certificates "
                                                                           "refuses a self-signed one";
  const std::string headers = run("curl -sk -D - -o /dev/null -H 'Content-Type: application/json' -d "
                                  "'{\"user\":\"alice\",\"password\":\"correct-horse-battery\"}' " +
                                  url + "/api/session")
                                  .out;
  EXPECT_NE(headers.find("HTTP/1.1 200"), std::string::npos) << headers;
  EXPECT_NE(headers.find("Set-Cookie: mamori_session="), std::string::npos) << headers;
  EXPECT_NE(headers.find("HttpOnly; SameSite=Strict; Secure"), std::string::npos) << headers;
  EXPECT_NE(headers.find("Strict-Transport-Security: max-age="), std::string::npos) << headers;
  EXPECT_NE(headers.find("Content-Security-Policy: default-src 'self'"), std::string::npos) << headers;
  EXPECT_EQ(run("curl -sk -o /dev/null -w '%{http_code}' " + url + "/api/incidents").out, "401");
  EXPECT_EQ(run("curl -sk -o /dev/null -w '%{http_code}' " + url + "/api/nothing-here").out, "401")
      << "nothing under /api/ is answered before the caller is known";
  const std::string escape = run("curl -sk --path-as-is -w ' %{http_code}' '" + url + "/../../etc/passwd'").out;
  EXPECT_EQ(escape.find("root:"), std::string::npos) << "the page's folder is all it serves";
  EXPECT_NE(escape.find(" 404"), std::string::npos) << escape;
}

// The central's console shows what its sensors sent, as it arrives: incidents of each
// sensor under its name, its alerts, and the sensors' links.
TEST(Console, TheCentralServesItsSensorsIncidentsAndLinks) {
  MAMORI_REQUIRE_SHARED();
  GsocLab lab(tempDir());
  const std::string accounts = lab.dir() + "/ui-accounts";
  const std::string token = run(mamoriBinary() + " ui tokens add soar --role viewer --accounts '" + accounts + "'").out;
  ASSERT_EQ(token.rfind("mamori_", 0), 0u) << token;
  const int port = freeTcpPort();
  lab.configureCentral({"sensor-a"}, {}, {},
                       "ui:\n  listen: 127.0.0.1:" + std::to_string(port) + "\n  accounts: " + accounts + "\n");
  lab.sensorConfig("sensor-a");
  ASSERT_TRUE(lab.startCentral()) << lab.centralLog();
  std::string log;
  ASSERT_EQ(lab.runSensor("sensor-a", sharedDir() + "/corpus/ndpi/log4j-webapp-exploit.pcap", "", &log), 0) << log;

  auto get = [&](const std::string& path) {
    rapidjson::Document d;
    const std::string body = run("curl -sf -H 'Authorization: Bearer " + token.substr(0, token.find('\n')) +
                                 "' http://127.0.0.1:" + std::to_string(port) + path).out;
    d.Parse(body.c_str());
    EXPECT_FALSE(d.HasParseError()) << path << ": " << body;
    return d;
  };
  // What the sensor wrote itself is the expectation: its incidents, its alerts.
  const auto sensor_eve = eveCounts(lab.sensorEve("sensor-a"));
  const size_t sensor_alerts = sensor_eve.count({"sensor-a", "alert"}) ? sensor_eve.at({"sensor-a", "alert"}) : 0;
  ASSERT_GT(sensor_alerts, 0u);
  auto incidents = get("/api/incidents?sensor=sensor-a");
  ASSERT_TRUE(incidents.IsObject());
  EXPECT_GT(incidents["total"].GetUint(), 0u);
  for (const auto& i : incidents["incidents"].GetArray()) EXPECT_STREQ(i["sensor"].GetString(), "sensor-a");
  auto alerts = get("/api/alerts?sensor=sensor-a&limit=1000");
  EXPECT_EQ(alerts["alerts"].Size(), sensor_alerts);
  auto sensors = get("/api/sensors");
  ASSERT_EQ(sensors["sensors"].Size(), 1u);
  EXPECT_STREQ(sensors["sensors"][0]["name"].GetString(), "sensor-a");
  auto rules = get("/api/rules");
  EXPECT_TRUE(rules["pushes"].IsArray());
  EXPECT_NE(lab.centralLog().find("console on http://127.0.0.1:" + std::to_string(port)), std::string::npos);
  EXPECT_EQ(run("curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Authorization: Bearer " +
                token.substr(0, token.find('\n')) + "' -d '{\"action\":\"acknowledge\"}' http://127.0.0.1:" +
                std::to_string(port) + "/api/incidents/sensor-a/1/actions")
                .out,
            "403")
      << "a viewer's token reads and does not act";
}

}  // namespace
}  // namespace mamori::test
