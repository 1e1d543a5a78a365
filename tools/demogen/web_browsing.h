#pragma once
// An office's users on the web, as its tap sees them: each visit resolves the name at the
// office's resolver (A and AAAA, as Windows asks), then fetches a page over HTTP/1.1 or holds
// a TLS 1.3 session, with an internet site or the office's own intranet server. Writes the
// packets into the scenario's capture and draws every choice from the scenario's Rng.
#include <cstdint>
#include <string>
#include <vector>

#include "tools/demogen/capture_file.h"
#include "tools/demogen/rng.h"
#include "tools/demogen/tcp_conversation.h"

namespace mamori::demogen {

struct WebSite {
  std::string name;
  std::string canonicalName;  // empty when there is no CNAME
  Host* server;
  Bytes ipv6;  // empty when the name has no AAAA record
  bool http;
  bool https;
  // The office's Apache, whose name the resolver answers at once.
  bool intranet = false;
};

class WebBrowsing {
 public:
  WebBrowsing(CaptureFile& capture, Rng& rng, Host& resolver);

  // Returns when the last answer was seen.
  Micros resolve(Host& client, const WebSite& site, Micros at);
  // Each visit resolves the name first.
  void browseHttp(Host& client, const WebSite& site, Micros at, Delivery requestDelivery, Delivery pageDelivery);
  void browseHttps(Host& client, const WebSite& site, Micros at);

  // From `from` until `until`, every `minGap` to `maxGap` one of `clients` visits one of
  // `sites`, one of which is the office's intranet: a TLS session (40 %), an HTTP page from
  // the internet (25 %) or the intranet (20 %), or a lookup alone (15 %). Throws
  // std::invalid_argument when `sites` holds no intranet.
  void officeHours(std::vector<Host>& clients, std::vector<WebSite>& sites, Micros from, Micros until, Micros minGap,
                   Micros maxGap);

 private:
  CaptureFile& capture_;
  Rng& rng_;
  Host& resolver_;
};

}  // namespace mamori::demogen
