// Tunnelled traffic is inspected as what it carries: pings and a TCP session inside GTP-U,
// Geneve and Teredo (and GRE and VXLAN beside them) become inner flows that agree with
// tshark's innermost decoding, packet for packet, and ICMP and TCP rules alert on the inner
// addresses. A GTP echo on the tunnel port stays plain UDP for both decoders.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "capture/packet.h"
#include "tests/capture/packet_builder.h"
#include "tests/integration/eve_log.h"
#include "tests/integration/pcap_file_writer.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

// What a tunnel wraps around one inner IP packet: the whole frame, outer headers included.
// `reply` tells the direction (server to client) for tunnels whose outer ports differ.
struct Tunnel {
  std::string name;
  std::string client, server;  // inner addresses
  bool v6;
  Bytes (*wrap)(const Bytes& inner, bool reply);
};

Bytes outerUdp(const char* a, const char* b, uint16_t pa, uint16_t pb, bool reply, const Bytes& payload) {
  return reply ? ethernet(0x0800, ipv4(b, a, 17, udp(pb, pa, payload)))
               : ethernet(0x0800, ipv4(a, b, 17, udp(pa, pb, payload)));
}

const Tunnel kTunnels[] = {
    {"gtp-u", "10.45.0.2", "198.51.100.80", false,
     [](const Bytes& in, bool reply) {
       return outerUdp("192.0.2.1", "192.0.2.2", 2152, 2152, reply, gtpU(in, 0xff, reply));
     }},
    {"geneve", "10.60.0.1", "10.60.0.2", false,
     [](const Bytes& in, bool reply) {
       // Both endpoints send to the Geneve port.
       Bytes g = geneve(0x6558, ethernet(0x0800, in), filled(8, 0));
       return reply ? ethernet(0x0800, ipv4("192.0.2.12", "192.0.2.11", 17, udp(50001, 6081, g)))
                    : ethernet(0x0800, ipv4("192.0.2.11", "192.0.2.12", 17, udp(50000, 6081, g)));
     }},
    {"teredo", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:db8::80", true,
     [](const Bytes& in, bool reply) {
       return outerUdp("192.0.2.21", "192.0.2.22", 49152, 3544, reply, teredo(in, reply));
     }},
    {"vxlan", "10.70.0.1", "10.70.0.2", false,
     [](const Bytes& in, bool reply) {
       return outerUdp("192.0.2.31", "192.0.2.32", 4789, 4789, reply, vxlan(ethernet(0x0800, in)));
     }},
    {"gre", "10.80.0.1", "10.80.0.2", false,
     [](const Bytes& in, bool reply) {
       return reply ? ethernet(0x0800, ipv4("192.0.2.42", "192.0.2.41", 47, gre(0x0800, in)))
                    : ethernet(0x0800, ipv4("192.0.2.41", "192.0.2.42", 47, gre(0x0800, in)));
     }},
};

Bytes innerIp(const Tunnel& t, bool reply, uint8_t proto, const Bytes& payload) {
  const std::string& src = reply ? t.server : t.client;
  const std::string& dst = reply ? t.client : t.server;
  return t.v6 ? ipv6(src, dst, proto, payload) : ipv4(src, dst, proto, payload);
}

// Per tunnel: an echo request and its reply, then a TCP handshake and one request.
std::vector<PcapFrame> frames() {
  std::vector<PcapFrame> out;
  for (const Tunnel& t : kTunnels) {
    const uint8_t icmp_proto = t.v6 ? 58 : 1;
    const uint8_t req = t.v6 ? 128 : 8, rep = t.v6 ? 129 : 0;
    out.push_back({t.wrap(innerIp(t, false, icmp_proto, icmp(req, 0, 0x10, 1, text("tunnelled ping"))), false)});
    out.push_back({t.wrap(innerIp(t, true, icmp_proto, icmp(rep, 0, 0x10, 1, text("tunnelled ping"))), true)});
    out.push_back({t.wrap(innerIp(t, false, 6, tcp(40000, 80, tcpflag::Syn, {}, {}, 1000)), false)});
    out.push_back({t.wrap(innerIp(t, true, 6, tcp(80, 40000, static_cast<uint8_t>(tcpflag::Syn | tcpflag::Ack), {}, {}, 5000, 1001)), true)});
    out.push_back({t.wrap(innerIp(t, false, 6, tcp(40000, 80, tcpflag::Ack, {}, {}, 1001, 5001)), false)});
    out.push_back({t.wrap(innerIp(t, false, 6, tcp(40000, 80, static_cast<uint8_t>(tcpflag::Ack | tcpflag::Psh),
                                                  text("GET /tunnelled HTTP/1.0\r\n\r\n"), {}, 1001, 5001)),
                         false)});
  }
  // A GTP-U echo request: a control message on the tunnel port, no user packet inside.
  out.push_back({outerUdp("192.0.2.1", "192.0.2.2", 2152, 2152, false, gtpU(filled(4, 0), 1))});
  return out;
}

// An inner conversation: protocol and the two endpoints in canonical order (ICMP without ports).
using FlowKey = std::string;
FlowKey flowKey(const std::string& proto, std::string a, int pa, std::string b, int pb) {
  std::string x = a + ":" + std::to_string(pa), y = b + ":" + std::to_string(pb);
  if (y < x) std::swap(x, y);
  return proto + " " + x + " <-> " + y;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(s);
  while (std::getline(in, field, sep)) out.push_back(field);
  if (!s.empty() && s.back() == sep) out.push_back("");
  return out;
}

// tshark's innermost IP layer of each frame: the last ip/ipv6 in frame.protocols and the
// transport right after it, with the last occurrence of each address and port field.
std::map<FlowKey, int> tsharkInnerFlows(const std::string& pcap, std::map<std::string, int>& echo_requests) {
  const CommandResult r = run(
      "tshark -n -r '" + pcap +
      "' -T fields -E separator=/t -E occurrence=l -e frame.protocols -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst"
      " -e tcp.srcport -e tcp.dstport -e udp.srcport -e udp.dstport -e icmp.type -e icmpv6.type 2>/dev/null");
  std::map<FlowKey, int> flows;
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    const auto f = split(line, '\t');
    if (f.size() < 11) continue;
    const auto layers = split(f[0], ':');
    size_t ip_at = 0;
    for (size_t i = 0; i < layers.size(); ++i) {
      if (layers[i] == "ip" || layers[i] == "ipv6") ip_at = i;
    }
    const bool v6 = layers[ip_at] == "ipv6";
    const std::string src = v6 ? f[3] : f[1], dst = v6 ? f[4] : f[2];
    const std::string transport = ip_at + 1 < layers.size() ? layers[ip_at + 1] : "";
    if (transport == "tcp") {
      flows[flowKey("TCP", src, std::stoi(f[5]), dst, std::stoi(f[6]))]++;
    } else if (transport == "udp") {
      flows[flowKey("UDP", src, std::stoi(f[7]), dst, std::stoi(f[8]))]++;
    } else if (transport == "icmp" || transport == "icmpv6") {
      flows[flowKey(v6 ? "IPv6-ICMP" : "ICMP", src, -1, dst, -1)]++;
      const std::string& type = v6 ? f[10] : f[9];
      if (type == (v6 ? "128" : "8")) echo_requests[src + " -> " + dst]++;
    }
  }
  return flows;
}

TEST(TunnelsVsTshark, InnerFlowsAgreeAndRulesSeeInnerPackets) {
  if (run("command -v tshark >/dev/null 2>&1").exit_code != 0) {
    if (std::getenv("CI")) FAIL() << "tshark is not installed (scripts/setup.sh installs it)";
    GTEST_SKIP() << "tshark is not installed";
  }
  const std::string dir = tempDir();
  const std::string pcap = dir + "/tunnels.pcap", rules = dir + "/tunnels.rules", eve = dir + "/eve.json";
  ASSERT_TRUE(writePcapFile(pcap, frames(), DLT_EN10MB, 1000));
  std::ofstream(rules) << "alert icmp any any -> any any (msg:\"echo request\"; itype:8; sid:1;)\n"
                          "alert ip any any -> any any (msg:\"ICMPv6 echo request\"; ip_proto:58; itype:128; sid:2;)\n"
                          "alert tcp any any -> any 80 (msg:\"tunnelled GET\"; flow:to_server; "
                          "content:\"GET /tunnelled\"; sid:3;)\n";
  ASSERT_EQ(runMamori(pcap, eve, "--workers 1 --rules '" + rules + "'"), 0);
  const EveLog log = EveLog::load(eve);

  std::map<FlowKey, int> ours;
  for (const auto* f : log.ofType("flow")) {
    const std::string proto = EveLog::string(*f, "proto");
    const bool ports = proto == "TCP" || proto == "UDP";
    ours[flowKey(proto, EveLog::string(*f, "src_ip"), ports ? int(EveLog::number(*f, "src_port")) : -1,
                 EveLog::string(*f, "dest_ip"), ports ? int(EveLog::number(*f, "dest_port")) : -1)] +=
        int(EveLog::number(*f, "flow.pkts_toserver") + EveLog::number(*f, "flow.pkts_toclient"));
  }
  std::map<std::string, int> tshark_echo;
  const std::map<FlowKey, int> theirs = tsharkInnerFlows(pcap, tshark_echo);
  ASSERT_FALSE(theirs.empty()) << "tshark decoded nothing";
  int agreed = 0;
  for (const auto& [key, pkts] : theirs) {
    const auto it = ours.find(key);
    EXPECT_TRUE(it != ours.end()) << "only tshark saw " << key;
    if (it == ours.end()) continue;
    EXPECT_EQ(it->second, pkts) << key << ": packets, mamori vs tshark";
    agreed += it->second == pkts;
  }
  for (const auto& [key, pkts] : ours) EXPECT_TRUE(theirs.count(key)) << "only mamori saw " << key;
  std::printf("tunnels: %d of %zu inner flows agree with tshark (flow and packet count); mamori %zu flows\n",
              agreed, theirs.size(), ours.size());

  // Every echo request tshark found inside a tunnel alerts once, on its inner addresses, and
  // each tunnel's TCP request is seen in its stream.
  std::map<std::string, int> echo_alerts;
  int tcp_alerts = 0;
  for (const auto* a : log.ofType("alert")) {
    const int64_t sid = EveLog::number(*a, "alert.signature_id");
    if (sid == 1 || sid == 2) echo_alerts[EveLog::string(*a, "src_ip") + " -> " + EveLog::string(*a, "dest_ip")]++;
    if (sid == 3) ++tcp_alerts;
  }
  EXPECT_EQ(echo_alerts, tshark_echo);
  EXPECT_EQ(tcp_alerts, static_cast<int>(std::size(kTunnels)));
  EXPECT_EQ(tshark_echo.size(), std::size(kTunnels));
}

}  // namespace
}  // namespace mamori::test
