// Cross-check against tshark: every HTTP request HttpParser finds in the nDPI corpus
// (TCP flows on any port whose client speaks first with a request method), compared by
// flow endpoints and order within the flow with what tshark's HTTP dissector finds there.
// Compared: the Host header as sent (host_raw) and the raw request URI (uri_raw), which is
// what tshark's http.host and http.request.uri show.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <unordered_map>

#include "applayer/http_parser.h"
#include "capture/capture_engine.h"
#include "capture/flow_observer.h"
#include "capture/pcap_source.h"
#include "capture/worker.h"
#include "tests/support/test_support.h"
#include "tests/applayer/capture_run.h"

namespace mamori {
namespace {

// Client ip:port > server ip:port, and the request's place among that pair's requests.
using Key = std::pair<std::string, size_t>;
struct Seen {
  std::string host, uri;
};

bool startsWithMethod(const uint8_t* d, size_t n) {
  static const char* kMethods[] = {"GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "CONNECT ",
                                   "PATCH ", "TRACE ", "PROPFIND ", "SUBSCRIBE ", "NOTIFY ", "M-SEARCH "};
  for (const char* m : kMethods) {
    const size_t l = std::strlen(m);
    if (n >= l && std::memcmp(d, m, l) == 0) return true;
  }
  return false;
}

class HttpCollector : public FlowObserver, public HttpSink {
 public:
  std::map<Key, Seen> requests;
  std::set<uint16_t> server_ports;
  HttpParserCounters totals;

  void onPacket(const DecodedPacket&, Flow&, Direction) override {}
  void onStreamData(Flow& flow, Direction dir, const uint8_t* d, size_t n, uint64_t offset) override {
    auto it = flows_.find(flow.flow_id);
    if (it == flows_.end()) {
      if (dir != Direction::ToServer || offset != 0 || !startsWithMethod(d, n)) {
        flows_.emplace(flow.flow_id, nullptr);  // not HTTP: never looked at again
        return;
      }
      it = flows_.emplace(flow.flow_id, std::make_unique<State>(HttpParser::Config{})).first;
      it->second->pair = flow.client_ip.toString() + ":" + std::to_string(flow.client_port) + ">" +
                         flow.server_ip.toString() + ":" + std::to_string(flow.server_port);
      server_ports.insert(flow.server_port);
    }
    if (!it->second) return;
    current_ = it->second.get();
    current_->parser.onData(dir, d, n, 0, *this);
  }
  void onStreamGap(Flow& flow, Direction dir, uint64_t, uint64_t n) override {
    auto it = flows_.find(flow.flow_id);
    if (it != flows_.end() && it->second) it->second->parser.onGap(dir, n);
  }
  void onFlowEnd(Flow& flow) override {
    auto it = flows_.find(flow.flow_id);
    if (it == flows_.end()) return;
    if (it->second) {
      current_ = it->second.get();
      current_->parser.onEnd(0, *this);
      add(current_->parser.counters());
    }
    flows_.erase(it);
  }

  void onRequest(const HttpTransaction& tx) override {
    if (tx.request_line.empty()) return;  // libhtp's stand-in for a response without request
    const size_t n = order_[current_->pair]++;
    requests[{current_->pair, n}] = {tx.host_raw, tx.uri_raw};
  }
  void onResponse(const HttpTransaction&) override {}

 private:
  struct State {
    explicit State(const HttpParser::Config& c) : parser(c) {}
    HttpParser parser;
    std::string pair;
  };
  void add(const HttpParserCounters& c) {
    totals.requests += c.requests;
    totals.responses += c.responses;
    totals.incomplete += c.incomplete;
    totals.parse_errors += c.parse_errors;
    totals.parse_warnings += c.parse_warnings;
    totals.stream_errors += c.stream_errors;
    totals.gaps += c.gaps;
    totals.gaps_fatal += c.gaps_fatal;
  }
  std::unordered_map<uint64_t, std::unique_ptr<State>> flows_;
  std::map<std::string, size_t> order_;
  State* current_ = nullptr;
};

// tshark's view: one line per request frame; pipelined requests in one frame come as
// aggregated values, split here in order.
std::map<Key, Seen> tsharkRequests(const std::string& pcap, const std::set<uint16_t>& ports) {
  std::string decode;
  for (uint16_t port : ports) decode += " -d tcp.port==" + std::to_string(port) + ",http";
  const std::string sep = "\x1f";
  const std::string cmd = "tshark -n -r '" + pcap + "'" + decode +
                          " -Y \"tcp && http.request\" -T fields -E aggregator=" + sep +
                          " -e ip.src -e ipv6.src -e tcp.srcport -e ip.dst -e ipv6.dst -e tcp.dstport"
                          " -e http.host -e http.request.uri -e frame.number 2>/dev/null";
  const test::CommandResult r = test::run(cmd);
  std::map<Key, Seen> out;
  std::map<std::string, size_t> order;
  std::istringstream lines(r.out);
  std::string line;
  auto split = [](const std::string& s, const std::string& by) {
    std::vector<std::string> v;
    size_t start = 0;
    for (;;) {
      const size_t at = s.find(by, start);
      v.push_back(s.substr(start, at - start));
      if (at == std::string::npos) return v;
      start = at + by.size();
    }
  };
  while (std::getline(lines, line)) {
    const auto f = split(line, "\t");
    if (f.size() < 9) continue;
    // Tunnelled packets carry several addresses; the innermost (last) is the flow's.
    auto last = [&](const std::string& s) { return split(s, sep).back(); };
    const std::string src = f[0].empty() ? last(f[1]) : last(f[0]);
    const std::string dst = f[3].empty() ? last(f[4]) : last(f[3]);
    const std::string pair = src + ":" + last(f[2]) + ">" + dst + ":" + last(f[5]);
    const auto hosts = split(f[6], sep);
    const auto uris = split(f[7], sep);
    for (size_t i = 0; i < uris.size(); ++i) {
      out[{pair, order[pair]++}] = {i < hosts.size() ? hosts[i] : "", uris[i]};
    }
  }
  return out;
}

TEST(HttpCorpus, RequestsAgreeWithTshark) {
  MAMORI_REQUIRE_SHARED();
  const auto pcaps = test::corpusPcaps("ndpi");
  ASSERT_FALSE(pcaps.empty());
  size_t total = 0, agree = 0;
  std::vector<std::string> disagreements;
  for (const std::string& path : pcaps) {
    HttpCollector c;
    ASSERT_NO_FATAL_FAILURE(test::runCapture(path, c));
    const auto theirs = tsharkRequests(path, c.server_ports);
    if (c.requests.empty() && theirs.empty()) continue;

    std::set<Key> keys;
    for (const auto& [k, v] : c.requests) keys.insert(k);
    for (const auto& [k, v] : theirs) keys.insert(k);
    size_t file_agree = 0;
    const std::string name = path.substr(path.rfind('/') + 1);
    for (const Key& k : keys) {
      const auto a = c.requests.find(k);
      const auto b = theirs.find(k);
      std::string why;
      if (a == c.requests.end()) {
        why = "only tshark: " + b->second.host + " " + b->second.uri;
      } else if (b == theirs.end()) {
        why = "only mamori: " + a->second.host + " " + a->second.uri;
      } else if (a->second.host != b->second.host) {
        why = "host: mamori '" + a->second.host + "' tshark '" + b->second.host + "'";
      } else if (a->second.uri != b->second.uri) {
        why = "uri: mamori '" + a->second.uri + "' tshark '" + b->second.uri + "'";
      }
      if (why.empty()) {
        ++file_agree;
      } else {
        disagreements.push_back(name + " " + k.first + " #" + std::to_string(k.second) + ": " + why.substr(0, 200));
      }
    }
    total += keys.size();
    agree += file_agree;
    std::printf("%-32s requests %4zu  agree %4zu  (mamori %zu, tshark %zu; libhtp errors %lu warnings %lu, "
                "incomplete %lu, gaps %lu)\n",
                name.c_str(), keys.size(), file_agree, c.requests.size(), theirs.size(), c.totals.parse_errors,
                c.totals.parse_warnings, c.totals.incomplete, c.totals.gaps);
  }
  std::printf("TOTAL requests %zu agree %zu (%.2f%%)\n", total, agree, total ? 100.0 * agree / total : 0.0);
  for (const auto& d : disagreements) std::printf("  disagree: %s\n", d.c_str());
  ASSERT_GT(total, 100u) << "the corpus should hold HTTP";
  EXPECT_GE(static_cast<double>(agree), 0.99 * static_cast<double>(total));
}

}  // namespace
}  // namespace mamori
