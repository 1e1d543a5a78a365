// Cross-check of TlsParser on real captures, fed by the project's own capture stage:
// SNI, JA3 and JA4 of every ClientHello against tshark (JA4 computed from tshark's fields by
// tests/applayer/tshark_ja4.h: tshark 4.0 has none), JA3 and the leaf certificate against
// nDPI's own results (.out files), and JA3 / JA3S against a Suricata rule test.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "applayer/tls_certificate_decoder.h"
#include "applayer/tls_parser.h"
#include "capture/capture_engine.h"
#include "capture/flow_observer.h"
#include "capture/pcap_source.h"
#include "capture/worker.h"
#include "tests/support/test_support.h"
#include "tests/applayer/capture_run.h"
#include "tests/applayer/tshark_ja4.h"

namespace mamori {
namespace {

namespace fs = std::filesystem;

std::string endpoint(const IpAddress& ip, uint16_t port) { return ip.toString() + "|" + std::to_string(port); }

struct TlsFlow {
  std::string client, server;  // endpoint()
  TimeUs start = 0;
  int first_byte[2] = {-1, -1};  // first stream byte of each direction, -1: none
  TlsParser parser;

  // Independent of the parser: the client's first byte opens a TLS handshake record (or an
  // SSLv2 one). Flows that start otherwise (STARTTLS) are out of this parser's scope.
  bool startsWithTls() const { return first_byte[0] == 0x16 || (first_byte[0] >= 0x80); }
};

// Feeds every TCP stream of a capture to a TlsParser of its own.
struct TlsCollector : FlowObserver {
  std::map<uint64_t, std::unique_ptr<TlsFlow>> live;
  std::vector<std::unique_ptr<TlsFlow>> flows;

  TlsFlow& of(Flow& flow) {
    auto& f = live[flow.flow_id];
    if (!f) {
      f = std::make_unique<TlsFlow>();
      f->client = endpoint(flow.client_ip, flow.client_port);
      f->server = endpoint(flow.server_ip, flow.server_port);
      f->start = flow.start;
    }
    return *f;
  }
  void onPacket(const DecodedPacket&, Flow&, Direction) override {}
  void onStreamData(Flow& flow, Direction dir, const uint8_t* d, size_t n, uint64_t) override {
    TlsFlow& f = of(flow);
    int& first = f.first_byte[static_cast<int>(dir)];
    if (first < 0) first = d[0];
    f.parser.onData(dir, d, n);
  }
  void onStreamGap(Flow& flow, Direction dir, uint64_t, uint64_t) override { of(flow).parser.onGap(dir); }
  void onFlowEnd(Flow& flow) override {
    auto it = live.find(flow.flow_id);
    if (it == live.end()) return;
    flows.push_back(std::move(it->second));
    live.erase(it);
  }
};

std::vector<std::unique_ptr<TlsFlow>> parseCapture(const std::string& path) {
  TlsCollector c;
  test::runCapture(path, c);
  std::stable_sort(c.flows.begin(), c.flows.end(), [](const auto& a, const auto& b) { return a->start < b->start; });
  return std::move(c.flows);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

// tshark's ClientHellos, the first of each TCP stream (a retransmitted or retried hello
// repeats it), keyed like ours.
struct TsharkHello {
  int frame = 0;
  std::string client, server, sni, ja3, ja4;
};

// JA4 of every ClientHello frame, by frame number: a run of its own, since these fields
// repeat and the hellos' run keeps only each field's last occurrence.
std::map<int, std::string> tsharkJa4s(const std::string& pcap) {
  std::string cmd = "tshark -r '" + pcap + "' -Y 'tcp && tls.handshake.type==1' -T fields -E 'aggregator=;'" +
                    " -e frame.number";
  for (const std::string& f : test::tsharkJa4Fields()) cmd += " -e " + f;
  std::map<int, std::string> out;
  std::istringstream in(test::run(cmd + " 2>/dev/null").out);
  for (std::string line; std::getline(in, line);) {
    auto f = split(line, '\t');
    if (f.size() < 7) continue;
    const auto list = [](const std::string& v) { return v.empty() ? std::vector<std::string>{} : split(v, ';'); };
    // A record carrying two hellos lists both: the first is the one compared.
    const test::TsharkHelloFields h{list(f[1]).empty() ? "" : list(f[1])[0], list(f[2]), list(f[3]), list(f[4]),
                                    list(f[5]), list(f[6])};
    out[std::stoi(f[0])] = test::ja4FromTshark('t', h);
  }
  return out;
}

std::vector<TsharkHello> tsharkHellos(const std::string& pcap) {
  // Innermost addresses (last occurrence) are the ones the capture stage keys flows on.
  const auto r = test::run("tshark -r '" + pcap +
                           "' -Y 'tcp && tls.handshake.type==1' -T fields -E occurrence=l -e frame.number"
                           " -e tcp.stream -e ip.src -e ipv6.src -e tcp.srcport -e ip.dst -e ipv6.dst -e tcp.dstport"
                           " -e tls.handshake.extensions_server_name -e tls.handshake.ja3 2>/dev/null");
  const std::map<int, std::string> ja4s = tsharkJa4s(pcap);
  std::vector<TsharkHello> out;
  std::set<std::string> streams;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    const auto f = split(line, '\t');
    if (f.size() < 10 || !streams.insert(f[1]).second) continue;
    const auto addr = [](const std::string& v4, const std::string& v6) {
      IpAddress a;
      IpAddress::parse(v4.empty() ? v6 : v4, a);
      return a;
    };
    TsharkHello h;
    h.frame = std::stoi(f[0]);
    h.client = endpoint(addr(f[2], f[3]), static_cast<uint16_t>(std::stoi(f[4])));
    h.server = endpoint(addr(f[5], f[6]), static_cast<uint16_t>(std::stoi(f[7])));
    h.sni = f[8];
    h.ja3 = f[9];
    if (const auto it = ja4s.find(h.frame); it != ja4s.end()) h.ja4 = it->second;
    out.push_back(h);
  }
  return out;
}

// One flow of an nDPI .out file: "TCP 10.0.0.1:443 <-> [2001::1]:5555 [...][JA3C: ...]...".
struct NdpiFlow {
  std::string a, b;  // endpoint() of both ends, in the file's order
  std::string ja3c, issuer, subject, sha1;
};

std::string ndpiEndpoint(const std::string& text) {
  const size_t colon = text.rfind(':');
  std::string ip = text.substr(0, colon);
  if (!ip.empty() && ip.front() == '[') ip = ip.substr(1, ip.size() - 2);
  IpAddress a;
  IpAddress::parse(ip, a);
  return endpoint(a, static_cast<uint16_t>(std::stoi(text.substr(colon + 1))));
}

std::string bracketField(const std::string& line, const std::string& name) {
  const size_t at = line.find("[" + name + ": ");
  if (at == std::string::npos) return {};
  const size_t begin = at + name.size() + 3;
  // Values may hold brackets of their own only as nested pairs; none of these fields do.
  return line.substr(begin, line.find(']', begin) - begin);
}

std::vector<NdpiFlow> ndpiFlows(const std::string& out_file) {
  static const std::regex flow_re(R"(^\s+\d+\s+TCP (\S+) <-> (\S+) \[)");
  std::vector<NdpiFlow> out;
  std::istringstream in(test::readFile(out_file));
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, flow_re)) continue;
    NdpiFlow f;
    f.a = ndpiEndpoint(m[1]);
    f.b = ndpiEndpoint(m[2]);
    f.ja3c = bracketField(line, "JA3C").substr(0, 32);
    f.issuer = bracketField(line, "Issuer");
    f.subject = bracketField(line, "Subject");
    f.sha1 = bracketField(line, "Certificate SHA-1");
    out.push_back(f);
  }
  return out;
}

// nDPI keeps only some attributes of a name and writes them its own way; compare the
// multiset of "KEY=value" parts it keeps.
std::multiset<std::string> nameParts(const std::string& name) {
  static const std::set<std::string> kept{"C", "ST", "L", "O", "OU", "CN"};
  std::multiset<std::string> parts;
  std::string flat = std::regex_replace(name, std::regex(" \\+ "), ", ");
  size_t at = 0;
  while (at <= flat.size()) {
    size_t end = flat.find(", ", at);
    if (end == std::string::npos) end = flat.size();
    const std::string part = flat.substr(at, end - at);
    const size_t eq = part.find('=');
    if (eq != std::string::npos && kept.count(part.substr(0, eq))) parts.insert(part);
    at = end + 2;
  }
  return parts;
}

std::string hexDigits(const std::string& s) {
  std::string out;
  for (char c : s)
    if (std::isxdigit(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string reasonOf(const TlsFlow& f) {
  const TlsParserCounters& c = f.parser.counters();
  std::ostringstream o;
  o << "records=" << c.records << " handshakes=" << c.handshakes << " truncated=" << c.truncated
    << " malformed=" << c.malformed << " oversized=" << c.oversized << " not_tls=" << c.not_tls
    << " sslv2=" << c.sslv2_hellos;
  return o.str();
}

struct Figures {
  int hellos = 0, compared = 0, sni_agree = 0, ja3_compared = 0, ja3_agree = 0, ja4_compared = 0, ja4_agree = 0,
      out_of_scope = 0;
  int ndpi_ja3 = 0, ndpi_ja3_agree = 0, ndpi_certs = 0, ndpi_certs_agree = 0;

  Figures& operator+=(const Figures& o) {
    hellos += o.hellos;
    compared += o.compared;
    sni_agree += o.sni_agree;
    ja3_compared += o.ja3_compared;
    ja3_agree += o.ja3_agree;
    ja4_compared += o.ja4_compared;
    ja4_agree += o.ja4_agree;
    out_of_scope += o.out_of_scope;
    ndpi_ja3 += o.ndpi_ja3;
    ndpi_ja3_agree += o.ndpi_ja3_agree;
    ndpi_certs += o.ndpi_certs;
    ndpi_certs_agree += o.ndpi_certs_agree;
    return *this;
  }
};

std::string tupleOf(const std::string& client, const std::string& server) { return client + ">" + server; }

TEST(TlsCorpusTest, SniJa3AndJa4AgreeWithTsharkAndNdpi) {
  MAMORI_REQUIRE_SHARED();
  const auto pcaps = test::corpusPcaps("ndpi");
  ASSERT_GT(pcaps.size(), 60u);

  Figures total;
  TlsParserCounters counters;
  std::vector<std::string> disagreements, out_of_scope;
  std::printf("%-34s %6s %8s %6s %9s %9s %9s %8s %10s\n", "capture", "hellos", "compared", "sni=", "ja3=tshk",
              "ja4=tshk", "ja3=ndpi", "certs=", "not-at-start");
  for (const std::string& pcap : pcaps) {
    const std::string name = fs::path(pcap).filename().string();
    const auto flows = parseCapture(pcap);
    const auto hellos = tsharkHellos(pcap);
    Figures fig;

    // Ours, per 4-tuple in start order, only flows that saw a ClientHello: a reused
    // 4-tuple's n-th hello pairs with tshark's n-th.
    std::map<std::string, std::vector<const TlsFlow*>> ours;
    for (const auto& f : flows) {
      counters += f->parser.counters();
      if (f->parser.handshake().client_hello) ours[tupleOf(f->client, f->server)].push_back(f.get());
    }
    std::map<std::string, std::vector<const TlsFlow*>> any_flow;  // every flow, for the reasons
    for (const auto& f : flows) any_flow[tupleOf(f->client, f->server)].push_back(f.get());

    std::map<std::string, size_t> used;
    for (const TsharkHello& t : hellos) {
      ++fig.hellos;
      const std::string tuple = tupleOf(t.client, t.server);
      const size_t index = used[tuple]++;
      const auto& mine = ours[tuple];
      const std::string where = name + " frame " + std::to_string(t.frame) + " " + tuple;
      if (index >= mine.size()) {
        const auto& all = any_flow[tuple];
        const TlsFlow* f = all.empty() ? nullptr : all[std::min(index, all.size() - 1)];
        if (f && !f->startsWithTls()) {
          ++fig.out_of_scope;
          out_of_scope.push_back(where + ": flow starts with byte " + std::to_string(f->first_byte[0]) + " (sni " + t.sni + ")");
          continue;
        }
        ++fig.compared;
        disagreements.push_back(where + ": no ClientHello parsed, tshark sni '" + t.sni + "' (" +
                                (f ? reasonOf(*f) : std::string("no such TCP flow")) + ")");
        continue;
      }
      const TlsHandshake& h = mine[index]->parser.handshake();
      ++fig.compared;
      if (h.sni == t.sni) {
        ++fig.sni_agree;
      } else {
        disagreements.push_back(where + ": sni '" + h.sni + "' vs tshark '" + t.sni + "'");
      }
      if (!t.ja3.empty()) {
        ++fig.ja3_compared;
        if (h.ja3_hash == t.ja3) {
          ++fig.ja3_agree;
        } else {
          disagreements.push_back(where + ": ja3 " + h.ja3_hash + " (" + h.ja3_string + ") vs tshark " + t.ja3);
        }
      }
      if (!t.ja4.empty()) {
        ++fig.ja4_compared;
        if (h.ja4_hash == t.ja4) {
          ++fig.ja4_agree;
        } else {
          disagreements.push_back(where + ": ja4 " + h.ja4_hash + " vs tshark's fields " + t.ja4);
        }
      }
    }
    for (const auto& [tuple, mine] : ours) {
      for (size_t i = used[tuple]; i < mine.size(); ++i) {
        ++fig.compared;
        disagreements.push_back(name + " " + tuple + ": ClientHello (sni '" + mine[i]->parser.handshake().sni +
                                "') that tshark does not show");
      }
    }

    // nDPI: one line per flow, ends in the file's order; pair by unordered endpoints.
    std::map<std::string, std::vector<const TlsFlow*>> by_pair;
    for (const auto& f : flows) by_pair[std::min(f->client, f->server) + "=" + std::max(f->client, f->server)].push_back(f.get());
    std::map<std::string, size_t> pair_used;
    for (const NdpiFlow& n : ndpiFlows(pcap + ".out")) {
      const std::string pair = std::min(n.a, n.b) + "=" + std::max(n.a, n.b);
      const size_t index = pair_used[pair]++;
      const auto& mine = by_pair[pair];
      if (index >= mine.size()) continue;
      const TlsHandshake& h = mine[index]->parser.handshake();
      if (!n.ja3c.empty() && h.client_hello) {
        ++fig.ndpi_ja3;
        if (n.ja3c == h.ja3_hash) {
          ++fig.ndpi_ja3_agree;
        } else {
          // nDPI 4.2 keeps a bounded number of ciphers and extensions for JA3: show how many there were.
          const auto fields = split(h.ja3_string, ',');
          std::string counts;
          if (fields.size() == 5)
            counts = " (" + std::to_string(split(fields[1], '-').size()) + " ciphers, " +
                     std::to_string(split(fields[2], '-').size()) + " extensions)";
          disagreements.push_back(name + " " + pair + ": ja3 " + h.ja3_hash + " vs nDPI " + n.ja3c + counts);
        }
      }
      if (!n.sha1.empty() && !h.certificates.empty()) {
        ++fig.ndpi_certs;
        const TlsCertificate& c = h.certificates[0];
        if (hexDigits(n.sha1) == hexDigits(c.fingerprint) && nameParts(n.subject) == nameParts(c.subject) &&
            nameParts(n.issuer) == nameParts(c.issuer)) {
          ++fig.ndpi_certs_agree;
        } else {
          disagreements.push_back(name + " " + pair + ": leaf certificate\n    ours:  " + c.subject + " / " + c.issuer +
                                  " / " + c.fingerprint + "\n    nDPI:  " + n.subject + " / " + n.issuer + " / " + n.sha1);
        }
      }
    }

    if (fig.hellos || fig.compared || fig.ndpi_ja3 || fig.ndpi_certs)
      std::printf("%-34s %6d %8d %6d %4d/%-4d %4d/%-4d %4d/%-4d %3d/%-4d %10d\n", name.c_str(), fig.hellos,
                  fig.compared, fig.sni_agree, fig.ja3_agree, fig.ja3_compared, fig.ja4_agree, fig.ja4_compared,
                  fig.ndpi_ja3_agree, fig.ndpi_ja3, fig.ndpi_certs_agree, fig.ndpi_certs, fig.out_of_scope);
    total += fig;
  }
  std::printf("%-34s %6d %8d %6d %4d/%-4d %4d/%-4d %4d/%-4d %3d/%-4d %10d\n", "TOTAL", total.hellos, total.compared,
              total.sni_agree, total.ja3_agree, total.ja3_compared, total.ja4_agree, total.ja4_compared,
              total.ndpi_ja3_agree, total.ndpi_ja3, total.ndpi_certs_agree, total.ndpi_certs, total.out_of_scope);
  std::printf("parser counters: records=%llu handshakes=%llu sslv2=%llu truncated=%llu malformed=%llu oversized=%llu "
              "bad_certificates=%llu not_tls=%llu\n",
              (unsigned long long)counters.records, (unsigned long long)counters.handshakes,
              (unsigned long long)counters.sslv2_hellos, (unsigned long long)counters.truncated,
              (unsigned long long)counters.malformed, (unsigned long long)counters.oversized,
              (unsigned long long)counters.bad_certificates, (unsigned long long)counters.not_tls);
  std::printf("hellos out of scope (TLS not at the start of the flow): %zu\n", out_of_scope.size());
  for (const auto& s : out_of_scope) std::printf("  %s\n", s.c_str());
  std::printf("disagreements: %zu\n", disagreements.size());
  for (const auto& d : disagreements) std::printf("  %s\n", d.c_str());

  ASSERT_GT(total.compared, 50);
  EXPECT_GE(total.sni_agree * 100, total.compared * 99) << total.sni_agree << " of " << total.compared;
  EXPECT_GE(total.ja3_agree * 100, total.ja3_compared * 99) << total.ja3_agree << " of " << total.ja3_compared;
  ASSERT_GT(total.ja4_compared, 50);
  EXPECT_GE(total.ja4_agree * 100, total.ja4_compared * 99) << total.ja4_agree << " of " << total.ja4_compared;
}

std::string hexOf(const std::array<uint8_t, 32>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0x0f];
  }
  return out;
}

// Every hello's random in tshark's reading, "c:<hex>" for a ClientHello and "s:<hex>" for
// a ServerHello. A frame may carry several handshake messages: the randoms are those of
// its hellos, in order.
std::set<std::string> tsharkRandoms(const std::string& pcap) {
  const auto r = test::run("tshark -r '" + pcap +
                           "' -Y 'tcp && (tls.handshake.type==1 || tls.handshake.type==2)' -T fields"
                           " -e tls.handshake.type -e tls.handshake.random 2>/dev/null");
  std::set<std::string> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    const auto f = split(line, '\t');
    if (f.size() < 2) continue;
    const auto randoms = split(f[1], ',');
    size_t next = 0;
    for (const std::string& type : split(f[0], ',')) {
      if ((type == "1" || type == "2") && next < randoms.size()) {
        out.insert((type == "1" ? "c:" : "s:") + randoms[next++]);
      }
    }
  }
  return out;
}

std::set<std::string> ourRandoms(const std::vector<std::unique_ptr<TlsFlow>>& flows) {
  std::set<std::string> out;
  for (const auto& f : flows) {
    const TlsHandshake& h = f->parser.handshake();
    if (h.client_random_seen) out.insert("c:" + hexOf(h.client_random));
    if (h.server_hello) out.insert("s:" + hexOf(h.server_random));
  }
  return out;
}

// tls.random's bytes: each hello's random as tshark reads it, over the nDPI captures and
// Suricata's tls.random test capture (whose rules name both randoms).
TEST(TlsCorpusTest, HelloRandomsAgreeWithTshark) {
  MAMORI_REQUIRE_SHARED();
  const std::string verify = test::sharedDir() + "/corpus/suricata-verify/tls/tls-random/input.pcap";
  const std::set<std::string> suricata_case = ourRandoms(parseCapture(verify));
  EXPECT_EQ(suricata_case, (std::set<std::string>{"c:942d1fef575d770207c29dbe2401ccf05dcde1d2a5869c4a3eee38db551ad9bc",
                                                  "s:54f9fc1577e433d32da82e9d38897d5a2628bfb09851dad9bd03f8afa209a4f0"}));

  std::vector<std::string> pcaps = test::corpusPcaps("ndpi");
  pcaps.push_back(verify);
  size_t theirs = 0, agreeing = 0, undecoded = 0;
  std::vector<std::string> wrong;
  for (const std::string& pcap : pcaps) {
    const std::set<std::string> t = tsharkRandoms(pcap), ours = ourRandoms(parseCapture(pcap));
    theirs += t.size();
    for (const std::string& r : ours) {
      if (t.count(r)) {
        ++agreeing;
        continue;
      }
      // tshark does not dissect segments it takes for out-of-order or retransmitted
      // ones: such a hello's random must still be in a TCP payload of the capture.
      std::string pattern;
      for (size_t i = 2; i < r.size(); i += 2) pattern += (pattern.empty() ? "" : ":") + r.substr(i, 2);
      const auto found = test::run("tshark -r '" + pcap + "' -Y 'tcp.payload contains " + pattern +
                                   "' -T fields -e frame.number 2>/dev/null");
      if (found.out.empty()) {
        wrong.push_back(fs::path(pcap).filename().string() + " " + r);
      } else {
        ++undecoded;
      }
    }
  }
  std::printf("hello randoms: tshark %zu, ours agreeing %zu, in frames tshark does not decode %zu, wrong %zu\n", theirs,
              agreeing, undecoded, wrong.size());
  for (const auto& r : wrong) std::printf("  not in the capture: %s\n", r.c_str());
  ASSERT_GT(theirs, 100u);
  EXPECT_TRUE(wrong.empty());
  // tshark also decodes hellos this parser leaves (STARTTLS, TLS not at the flow's start,
  // hellos after a gap).
  EXPECT_GE(agreeing * 100, theirs * 95) << agreeing << " of " << theirs;
}

// The certificate decoder's own DER walk against OpenSSL's X.509 decoder, on every
// certificate of every chain in both corpora: where the walk answers, it answers as OpenSSL
// does, and it answers for the usual certificate (else the fallback does all the work).
TEST(TlsCorpusTest, CertificateWalkAgreesWithOpenssl) {
  MAMORI_REQUIRE_SHARED();
  size_t certificates = 0, walked = 0;
  std::vector<std::string> differences;
  std::vector<std::string> pcaps = test::corpusPcaps("ndpi");
  for (const std::string& p : test::corpusPcaps("suricata-verify")) pcaps.push_back(p);
  for (const std::string& pcap : pcaps) {
    for (const auto& flow : parseCapture(pcap)) {
      for (const TlsCertificate& c : flow->parser.handshake().certificates) {
        ++certificates;
        TlsCertificate walk, openssl;
        if (!walkTlsCertificate(c.der.data(), c.der.size(), walk)) continue;
        ++walked;
        EXPECT_TRUE(decodeTlsCertificateWithOpenssl(c.der.data(), c.der.size(), openssl));
        for (auto [field, a, b] : {std::tuple{"subject", &walk.subject, &openssl.subject},
                                   std::tuple{"issuer", &walk.issuer, &openssl.issuer},
                                   std::tuple{"serial", &walk.serial, &openssl.serial},
                                   std::tuple{"not_before", &walk.not_before, &openssl.not_before},
                                   std::tuple{"not_after", &walk.not_after, &openssl.not_after}}) {
          if (*a != *b) differences.push_back(fs::path(pcap).filename().string() + " " + field + ": " + *a + " | " + *b);
        }
      }
    }
  }
  std::printf("certificates: %zu, decoded by the DER walk %zu, by OpenSSL %zu, walk differing %zu\n", certificates,
              walked, certificates - walked, differences.size());
  for (const auto& d : differences) std::printf("  %s\n", d.c_str());
  ASSERT_GT(certificates, 100u);
  EXPECT_TRUE(differences.empty());
  EXPECT_GE(walked * 100, certificates * 90);
}

// Suricata's own rule test: ja3.hash and ja3s.hash rules fire on this capture.
TEST(TlsCorpusTest, Ja3AndJa3sMatchSuricataRuleTest) {
  MAMORI_REQUIRE_SHARED();
  const auto flows =
      parseCapture(test::sharedDir() + "/corpus/suricata-verify/bug-8336-01-default-track-only/input.pcap");
  std::vector<const TlsHandshake*> hellos;
  for (const auto& f : flows)
    if (f->parser.handshake().client_hello) hellos.push_back(&f->parser.handshake());
  ASSERT_EQ(hellos.size(), 1u);
  EXPECT_EQ(hellos[0]->sni, "docs.suricata.io");
  EXPECT_EQ(hellos[0]->ja3_hash, "fae0e5d973c96ae1888b99538efa0363");
  EXPECT_EQ(hellos[0]->ja3s_hash, "907bf3ecef1c987c889946b737b43de8");
}

}  // namespace
}  // namespace mamori
