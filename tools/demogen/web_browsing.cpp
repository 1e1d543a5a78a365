#include "tools/demogen/web_browsing.h"

#include <algorithm>
#include <stdexcept>

#include "tools/demogen/datagram_exchanges.h"
#include "tools/demogen/dns_message.h"
#include "tools/demogen/http_message.h"
#include "tools/demogen/office_network.h"
#include "tools/demogen/tls_session.h"

namespace mamori::demogen {
namespace {

const char* const kBrowserAgent =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 "
    "Safari/537.36";

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

}  // namespace

WebBrowsing::WebBrowsing(CaptureFile& capture, Rng& rng, Host& resolver)
    : capture_(capture), rng_(rng), resolver_(resolver) {}

Micros WebBrowsing::resolve(Host& client, const WebSite& site, Micros at) {
  // The resolver answers local names and cached ones at once; a miss costs an upstream
  // round trip on a link this tap does not see.
  const Micros upstream = site.intranet || rng_.percent(60) ? 0 : rng_.between(12, 45) * kMillisecond;
  const Micros a = dnsLookup(capture_, rng_, client, resolver_, at, site.name, DnsType::kA,
                             answersFor(site.name, site.canonicalName, DnsType::kA, ipv4Bytes(site.server->ip)),
                             upstream);
  // Windows asks for AAAA alongside A.
  const Micros aaaa = dnsLookup(capture_, rng_, client, resolver_, at + rng_.between(80, 300), site.name,
                                DnsType::kAaaa, answersFor(site.name, site.canonicalName, DnsType::kAaaa, site.ipv6),
                                upstream);
  return std::max(a, aaaa);
}

void WebBrowsing::browseHttp(Host& client, const WebSite& site, Micros at, Delivery requestDelivery,
                             Delivery pageDelivery) {
  const char* server = site.intranet ? "Apache/2.4.49 (Unix)" : "nginx/1.24.0";
  std::vector<std::string> paths = site.intranet
                                       ? std::vector<std::string>{"/", "/wiki/holidays.html", "/hr/forms.html"}
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
  const std::string page = htmlPage(rng_, site.intranet ? "Office intranet" : site.name, paragraphs);
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

void WebBrowsing::browseHttps(Host& client, const WebSite& site, Micros at) {
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

void WebBrowsing::officeHours(std::vector<Host>& clients, std::vector<WebSite>& sites, Micros from, Micros until,
                              Micros minGap, Micros maxGap) {
  const WebSite* intranet = nullptr;
  std::vector<WebSite*> httpSites;
  std::vector<WebSite*> httpsSites;
  std::vector<WebSite*> internetSites;
  for (WebSite& site : sites) {
    if (site.intranet) {
      intranet = &site;
      continue;
    }
    if (site.http) httpSites.push_back(&site);
    if (site.https) httpsSites.push_back(&site);
    internetSites.push_back(&site);
  }
  if (intranet == nullptr) throw std::invalid_argument("office hours need an intranet among the web sites");

  for (Micros at = from; at < until; at += rng_.between(minGap, maxGap)) {
    Host& client = rng_.pick(clients);
    const int64_t roll = rng_.between(0, 99);
    if (roll < 40) {
      browseHttps(client, *rng_.pick(httpsSites), at);
    } else if (roll < 65) {
      browseHttp(client, *rng_.pick(httpSites), at, Delivery::kInOrder, Delivery::kInOrder);
    } else if (roll < 85) {
      browseHttp(client, *intranet, at, Delivery::kInOrder, Delivery::kInOrder);
    } else {
      resolve(client, *rng_.pick(internetSites), at);
    }
  }
}

}  // namespace mamori::demogen
