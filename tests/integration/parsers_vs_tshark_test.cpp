// What mamori logs of the application layer agrees with an independent decoder: on every
// capture of the nDPI corpus, the HTTP host + URI of each request, the name of each DNS
// query and the SNI of each TLS ClientHello in mamori's EVE records equal what tshark
// extracts. Compared as multisets per capture (order across flows differs); the figure
// is the share of tshark's transactions mamori logged identically. The issue asks for 99%.
// TLS inside QUIC (UDP) is not parsed by mamori and is left out on both sides. SSH banners
// are compared too, apart from the figure: the corpus has only a few.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

// tshark's Host header is as sent; EVE's hostname is lower-case without the port.
std::string normalHost(std::string host) {
  if (host.front() != '[') host = host.substr(0, host.find(':'));
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
  return host;
}

struct Kind {
  const char* name;
  std::multiset<std::string> tshark, mamori;
};

TEST(ParsersVsTshark, HttpDnsAndTlsNamesAgree) {
  MAMORI_REQUIRE_SHARED();
  const std::string dir = tempDir();
  Kind http{"HTTP host+URI"}, dns{"DNS query"}, tls{"TLS SNI"}, ssh{"SSH banner"};
  std::string differences;
  for (const std::string& pcap : corpusPcaps("ndpi")) {
    ASSERT_EQ(runMamori(pcap, dir + "/eve.json", "--workers 1"), 0) << pcap;
    EveLog log = EveLog::load(dir + "/eve.json");
    std::multiset<std::string> m_http, m_dns, m_tls, m_ssh;
    std::set<int64_t> http_ports{80};
    for (const auto* r : log.ofType("http")) {
      const std::string host = EveLog::string(*r, "http.hostname");
      // A transaction without a request line (a response seen alone) has no URL to compare.
      if (EveLog::string(*r, "http.http_method").empty()) continue;
      m_http.insert(host + " " + EveLog::string(*r, "http.url"));
      http_ports.insert(EveLog::number(*r, "dest_port"));
    }
    for (const auto* r : log.ofType("dns")) {
      if (EveLog::string(*r, "dns.type") == "query") m_dns.insert(EveLog::string(*r, "dns.rrname"));
    }
    for (const auto* r : log.ofType("tls")) {
      const std::string sni = EveLog::string(*r, "tls.sni");
      if (!sni.empty()) m_tls.insert(sni);
    }
    for (const auto* r : log.ofType("ssh")) {
      for (const std::string side : {"ssh.client", "ssh.server"}) {
        const std::string proto = EveLog::string(*r, side + ".proto_version");
        if (!proto.empty()) m_ssh.insert(proto + "-" + EveLog::string(*r, side + ".software_version"));
      }
    }
    // tshark decodes HTTP on the ports mamori found it on too, so both look at the same flows.
    std::string decode_as;
    for (int64_t port : http_ports) decode_as += " -d tcp.port==" + std::to_string(port) + ",http";
    auto r = run("tshark -n -r '" + pcap + "'" + decode_as +
                 " -Y '(tcp && http.request) || (udp.port == 53 && dns.flags.response == 0) || "
                 "(tcp.port == 53 && dns.flags.response == 0) || (tcp && tls.handshake.type == 1) || ssh.protocol'"
                 " -T fields -E separator=/t -E occurrence=f -e http.host -e http.request.uri -e dns.qry.name"
                 " -e tls.handshake.extensions_server_name -e ssh.protocol 2>/dev/null");
    std::multiset<std::string> t_http, t_dns, t_tls, t_ssh;
    std::istringstream lines(r.out);
    std::string line;
    while (std::getline(lines, line)) {
      std::vector<std::string> f;
      std::istringstream fields(line);
      for (std::string x; std::getline(fields, x, '\t');) f.push_back(x);
      f.resize(5);
      if (!f[1].empty()) t_http.insert(normalHost(f[0].empty() ? "" : f[0]) + " " + f[1]);
      if (!f[2].empty()) t_dns.insert(f[2]);
      if (!f[3].empty()) t_tls.insert(f[3]);
      // "SSH-2.0-OpenSSH_5.3 comments": EVE keeps the versions, without the comments.
      if (f[4].starts_with("SSH-")) t_ssh.insert(f[4].substr(4, f[4].find(' ') - 4));
    }
    const std::string name = std::filesystem::path(pcap).filename().string();
    for (auto [kind, t, m] : {std::tuple{&http, &t_http, &m_http}, std::tuple{&dns, &t_dns, &m_dns},
                              std::tuple{&tls, &t_tls, &m_tls}, std::tuple{&ssh, &t_ssh, &m_ssh}}) {
      kind->tshark.insert(t->begin(), t->end());
      kind->mamori.insert(m->begin(), m->end());
      std::vector<std::string> only_t, only_m;
      std::set_difference(t->begin(), t->end(), m->begin(), m->end(), std::back_inserter(only_t));
      std::set_difference(m->begin(), m->end(), t->begin(), t->end(), std::back_inserter(only_m));
      for (const auto& x : only_t) differences += "  " + name + " " + kind->name + " only tshark: " + x + "\n";
      for (const auto& x : only_m) differences += "  " + name + " " + kind->name + " only mamori: " + x + "\n";
    }
  }
  std::printf("differences:\n%s", differences.c_str());
  size_t all = 0, agreeing = 0;
  for (Kind* kind : {&http, &dns, &tls, &ssh}) {
    std::vector<std::string> both;
    std::set_intersection(kind->tshark.begin(), kind->tshark.end(), kind->mamori.begin(), kind->mamori.end(),
                          std::back_inserter(both));
    std::printf("%-14s tshark %5zu  mamori %5zu  agreeing %5zu (%.2f%%)\n", kind->name, kind->tshark.size(),
                kind->mamori.size(), both.size(), kind->tshark.empty() ? 0.0 : 100.0 * both.size() / kind->tshark.size());
    if (kind == &ssh) {
      EXPECT_FALSE(ssh.tshark.empty());
      EXPECT_EQ(ssh.mamori, ssh.tshark);
      continue;
    }
    EXPECT_GT(kind->tshark.size(), 50u) << kind->name;
    all += kind->tshark.size();
    agreeing += both.size();
  }
  const double share = 100.0 * agreeing / std::max<size_t>(all, 1);
  std::printf("parsers vs tshark: %zu of %zu transactions agree (%.2f%%)\n", agreeing, all, share);
  EXPECT_GE(share, 99.0);
}

}  // namespace
}  // namespace mamori::test
