// Cross-check against tshark: every DNS message on port 53 in the nDPI corpus, taken from
// the capture stage (UDP payloads as decoded, TCP streams as reassembled and cut by
// DnsTcpFramer), must carry the same id, QR bit and query names as tshark decodes.
//
// Frames are matched by (timestamp in microseconds, source port, destination port), the
// ports being the innermost transport's: the capture stage does not pass frames that make
// no flow (ARP, ...) to observers, so counting frames ourselves would drift from tshark's
// frame numbers, while time and ports are written in the capture itself. Frames sharing a
// key (duplicated packets) pair up in file order. A TCP segment completing several
// messages is one frame for both sides. mDNS (5353) and LLMNR (5355) are left out: not
// port 53. DNS quoted inside ICMP errors is left out too: it is not traffic.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "applayer/dns_message.h"
#include "applayer/dns_parser.h"
#include "applayer/dns_tcp_framer.h"
#include "capture/capture_engine.h"
#include "capture/flow_observer.h"
#include "capture/pcap_source.h"
#include "capture/worker.h"
#include "tests/support/test_support.h"
#include "tests/applayer/capture_run.h"
#include "tests/applayer/tshark_fields.h"

namespace mamori {
namespace {

using Key = std::tuple<int64_t, uint16_t, uint16_t>;

// The DNS messages one frame completes.
struct FrameDns {
  std::vector<uint16_t> ids;
  std::vector<bool> responses;
  std::vector<std::string> names;
  bool name_too_long = false;  // the parse stopped at a name over 255 bytes
  uint64_t packet = 0;         // which packet of the capture completed it (ours only)
  std::string frame;           // tshark's frame number (tshark's only)
};

std::string describe(const FrameDns& f) {
  std::ostringstream o;
  for (size_t i = 0; i < f.ids.size(); ++i)
    o << (i ? " " : "") << "id=" << f.ids[i] << (i < f.responses.size() && f.responses[i] ? " R" : " Q");
  o << " names=[";
  for (size_t i = 0; i < f.names.size(); ++i) o << (i ? "," : "") << f.names[i];
  o << "]" << (f.name_too_long ? " (name too long)" : "");
  return o.str();
}

class DnsCollector : public FlowObserver {
 public:
  void onPacket(const DecodedPacket& pkt, Flow& flow, Direction dir) override {
    ++packet_;
    last_ts_ = pkt.ts;
    if (pkt.proto != static_cast<uint8_t>(IpProto::Udp) || (pkt.sport != 53 && pkt.dport != 53)) return;
    if (pkt.payload_len < DnsParser::kHeaderBytes) {
      ++short_datagrams;
      return;
    }
    parser.parse(pkt.payload, pkt.payload_len, msg_);
    record(Key{pkt.ts, pkt.sport, pkt.dport});
    checkFramerRoundTrip(pkt.payload, pkt.payload_len);
  }

  void onStreamData(Flow& flow, Direction dir, const uint8_t* data, size_t len, uint64_t) override {
    if (!isDnsTcp(flow)) return;
    auto [it, fresh] = framers_.try_emplace(flow.flow_id * 2 + static_cast<int>(dir));
    if (fresh) ++tcp_streams;
    const bool to_server = dir == Direction::ToServer;
    const Key key{last_ts_, to_server ? flow.client_port : flow.server_port,
                  to_server ? flow.server_port : flow.client_port};
    it->second.feed(data, len, [&](const uint8_t* m, size_t n) {
      parser.parse(m, n, msg_);
      record(key);
      ++tcp_messages;
    });
  }

  void onStreamGap(Flow& flow, Direction dir, uint64_t, uint64_t) override {
    if (!isDnsTcp(flow)) return;
    framers_[flow.flow_id * 2 + static_cast<int>(dir)].gap();
  }

  std::map<Key, std::deque<FrameDns>> frames;
  DnsParser parser;
  uint64_t short_datagrams = 0;
  uint64_t tcp_streams = 0, tcp_messages = 0;
  uint64_t round_trips = 0, round_trip_mismatches = 0;

 private:
  static bool isDnsTcp(const Flow& flow) {
    return flow.key.proto == static_cast<uint8_t>(IpProto::Tcp) && (flow.client_port == 53 || flow.server_port == 53);
  }

  void record(const Key& key) {
    auto& q = frames[key];
    if (q.empty() || q.back().packet != packet_) {
      q.emplace_back();
      q.back().packet = packet_;
    }
    FrameDns& f = q.back();
    f.ids.push_back(msg_.id);
    f.responses.push_back(msg_.response);
    for (const auto& query : msg_.queries) f.names.push_back(query.rrname);
    if (parser.lastError() == DnsParseError::NameTooLong) f.name_too_long = true;
  }

  // The same datagram, length-prefixed and fed to a framer in random pieces, must come
  // out whole and parse to the same queries: the framer on real messages, since the
  // corpus holds no DNS over TCP.
  void checkFramerRoundTrip(const uint8_t* d, size_t n) {
    framed_.assign({static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n & 0xff)});
    framed_.insert(framed_.end(), d, d + n);
    size_t delivered = 0;
    for (size_t at = 0; at < framed_.size();) {
      const size_t piece = std::min<size_t>(1 + rng_() % 64, framed_.size() - at);
      round_trip_framer_.feed(framed_.data() + at, piece, [&](const uint8_t* m, size_t len) {
        ++delivered;
        DnsParser again;
        again.parse(m, len, other_);
        bool same = len == n && other_.id == msg_.id && other_.queries.size() == msg_.queries.size();
        for (size_t i = 0; same && i < other_.queries.size(); ++i)
          same = other_.queries[i].rrname == msg_.queries[i].rrname;
        round_trip_mismatches += !same;
      });
      at += piece;
    }
    ++round_trips;
    round_trip_mismatches += delivered != 1;
  }

  uint64_t packet_ = 0;
  TimeUs last_ts_ = 0;
  DnsMessage msg_, other_;
  std::unordered_map<uint64_t, DnsTcpFramer> framers_;
  DnsTcpFramer round_trip_framer_;
  std::vector<uint8_t> framed_;
  std::mt19937 rng_{53};
};

using test::epochToMicros;
using test::split;

// tshark escapes control characters in names (see appendDnsLabelText), so the unit
// separator can join several values of one field without clashing with a name.
constexpr char kAggregator = '\x1f';

std::map<Key, std::deque<FrameDns>> tsharkFrames(const std::string& pcap) {
  const std::string cmd =
      "tshark -r '" + pcap +
      "' -Y 'dns && !icmp && !icmpv6 && (udp.port == 53 || tcp.port == 53)' -T fields"
      " -E \"aggregator=$(printf '\\037')\" -e frame.number -e frame.time_epoch -e udp.srcport -e udp.dstport"
      " -e tcp.srcport -e tcp.dstport -e dns.id -e dns.flags.response -e dns.qry.name 2>/dev/null";
  const auto result = test::run(cmd);
  std::map<Key, std::deque<FrameDns>> out;
  std::istringstream lines(result.out);
  std::string line;
  while (std::getline(lines, line)) {
    const auto f = split(line, '\t');
    if (f.size() < 9) continue;
    auto lastOf = [](const std::string& agg) { auto v = split(agg, kAggregator); return v.empty() ? 0 : std::stoi(v.back()); };
    const bool udp = !f[2].empty();
    const auto sport = static_cast<uint16_t>(lastOf(udp ? f[2] : f[4]));
    const auto dport = static_cast<uint16_t>(lastOf(udp ? f[3] : f[5]));
    FrameDns d;
    d.frame = f[0];
    for (const auto& id : split(f[6], kAggregator)) d.ids.push_back(static_cast<uint16_t>(std::stoul(id, nullptr, 16)));
    for (const auto& r : split(f[7], kAggregator)) d.responses.push_back(r == "1" || r == "True");
    d.names = split(f[8], kAggregator);
    out[Key{epochToMicros(f[1]), sport, dport}].push_back(std::move(d));
  }
  return out;
}

// Empty when they agree, else why not.
std::string compare(const FrameDns& ts, const FrameDns& ours) {
  if (ts.ids != ours.ids) return "different message ids";
  if (ts.responses != ours.responses) return "different QR bits";
  static const std::string kTooLong = "<Name too long>";
  std::vector<std::string> names = ts.names;
  bool too_long = false;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == kTooLong) {
      names.resize(i);  // tshark goes on after such a name; a parser that stops is right to
      too_long = true;
      break;
    }
  }
  if (too_long != ours.name_too_long) return "only one side found a name too long";
  if (names != ours.names) return "different query names";
  return {};
}

struct Tally {
  uint64_t compared = 0, agreeing = 0;
};

TEST(DnsCorpus, QueryNamesAgreeWithTshark) {
  MAMORI_REQUIRE_SHARED();
  const auto pcaps = test::corpusPcaps("ndpi");
  ASSERT_FALSE(pcaps.empty());
  Tally total;
  uint64_t tcp_streams = 0, tcp_messages = 0, round_trips = 0, round_trip_mismatches = 0;
  std::vector<std::string> disagreements;
  for (const auto& pcap : pcaps) {
    DnsCollector ours;
    ASSERT_NO_FATAL_FAILURE(test::runCapture(pcap, ours));
    auto theirs = tsharkFrames(pcap);
    const std::string name = pcap.substr(pcap.find_last_of('/') + 1);

    Tally t;
    for (auto& [key, frames] : theirs) {
      auto& mine = ours.frames[key];
      for (const auto& ts : frames) {
        const uint64_t n = std::max<size_t>(ts.ids.size(), 1);
        t.compared += n;
        std::string why = mine.empty() ? "mamori found no DNS message in the frame" : compare(ts, mine.front());
        if (why.empty()) {
          t.agreeing += n;
        } else {
          disagreements.push_back(name + " frame " + ts.frame + ": " + why + "\n    tshark: " + describe(ts) +
                                  "\n    mamori: " + (mine.empty() ? "-" : describe(mine.front())));
        }
        if (!mine.empty()) mine.pop_front();
      }
    }
    for (auto& [key, left] : ours.frames) {
      for (const auto& f : left) {
        t.compared += f.ids.size();
        disagreements.push_back(name + " ts " + std::to_string(std::get<0>(key)) +
                                ": tshark shows no DNS here\n    mamori: " + describe(f));
      }
    }
    if (t.compared) {
      std::printf("%-32s messages %5llu  agreeing %5llu  (%.2f%%)  parser: malformed %llu, truncated %llu\n",
                  name.c_str(), static_cast<unsigned long long>(t.compared),
                  static_cast<unsigned long long>(t.agreeing), 100.0 * t.agreeing / t.compared,
                  static_cast<unsigned long long>(ours.parser.counters().malformed),
                  static_cast<unsigned long long>(ours.parser.counters().truncated));
    }
    total.compared += t.compared;
    total.agreeing += t.agreeing;
    tcp_streams += ours.tcp_streams;
    tcp_messages += ours.tcp_messages;
    round_trips += ours.round_trips;
    round_trip_mismatches += ours.round_trip_mismatches;
  }
  for (const auto& d : disagreements) std::printf("disagreement: %s\n", d.c_str());
  std::printf("total: %llu messages compared, %llu agreeing (%.2f%%), %zu disagreements; "
              "DNS over TCP: %llu streams, %llu messages; framer round trips %llu, mismatches %llu\n",
              static_cast<unsigned long long>(total.compared), static_cast<unsigned long long>(total.agreeing),
              total.compared ? 100.0 * total.agreeing / total.compared : 0.0, disagreements.size(),
              static_cast<unsigned long long>(tcp_streams), static_cast<unsigned long long>(tcp_messages),
              static_cast<unsigned long long>(round_trips), static_cast<unsigned long long>(round_trip_mismatches));
  ASSERT_GT(total.compared, 1000u);  // the corpus holds ~1300 DNS messages on port 53
  EXPECT_GE(100.0 * total.agreeing / total.compared, 99.0);
  EXPECT_GT(round_trips, 1000u);
  EXPECT_EQ(round_trip_mismatches, 0u);
}

}  // namespace
}  // namespace mamori
