// Bad input gets a clear error and loses nothing: malformed packets are counted and
// skipped; unreadable capture files and unknown interfaces stop the run with exit code 2
// and a message naming them.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <random>

#include "tests/integration/eve_log.h"
#include "tests/integration/pcap_file_writer.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

using Frame = PcapFrame;

void writePcap(const std::string& path, const std::vector<Frame>& frames, int linktype = DLT_EN10MB) {
  ASSERT_TRUE(writePcapFile(path, frames, linktype)) << path;
}

// A valid Ethernet/IPv4/UDP frame with `payload` bytes.
std::vector<uint8_t> udpFrame(size_t payload) {
  std::vector<uint8_t> f(14 + 20 + 8 + payload, 0);
  f[12] = 0x08;
  uint8_t* ip = &f[14];
  ip[0] = 0x45;
  uint16_t total = static_cast<uint16_t>(20 + 8 + payload);
  ip[2] = total >> 8, ip[3] = total & 0xff;
  ip[8] = 64, ip[9] = 17;
  ip[12] = 10, ip[15] = 1, ip[16] = 10, ip[19] = 2;
  uint8_t* udp = ip + 20;
  udp[0] = 0x30, udp[1] = 0x39, udp[2] = 0x00, udp[3] = 53;
  uint16_t ulen = static_cast<uint16_t>(8 + payload);
  udp[4] = ulen >> 8, udp[5] = ulen & 0xff;
  return f;
}

struct RunResult {
  int exit_code;
  std::string output;
  EveLog log;
};

RunResult runOn(const std::string& pcap) {
  std::string eve = pcap + ".eve.json";
  std::string out;
  int rc = runMamori(pcap, eve, "--workers 2", &out);
  return {rc, out, EveLog::load(eve)};
}

TEST(BadInput, MalformedPacketsAreCountedAndSkipped) {
  std::vector<Frame> frames;
  frames.push_back({{}});                                    // zero-length
  frames.push_back({{0x00, 0x01, 0x02}});                    // truncated Ethernet
  auto truncated_ip = udpFrame(100);
  truncated_ip.resize(14 + 12);                              // IPv4 header cut short
  frames.push_back({truncated_ip, 14 + 128});
  auto bad_len = udpFrame(10);
  bad_len[14 + 2] = 0xff;                                    // IP total length beyond the frame
  frames.push_back({bad_len});
  auto bad_hlen = udpFrame(10);
  bad_hlen[14] = 0x42;                                       // IHL 2
  frames.push_back({bad_hlen});
  auto bad_udp = udpFrame(10);
  bad_udp[14 + 20 + 5] = 3;                                  // UDP length below 8
  frames.push_back({bad_udp});
  frames.push_back({udpFrame(65000)});                       // large but valid
  frames.push_back({std::vector<uint8_t>(200000, 0x45)});    // oversized garbage
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {                           // random garbage
    std::vector<uint8_t> g(1 + rng() % 300);
    for (auto& b : g) b = static_cast<uint8_t>(rng());
    if (g.size() > 14 && i % 2) g[12] = 0x08, g[13] = 0x00, g[14] = 0x45;  // half of it looks like IPv4
    frames.push_back({g});
  }
  frames.push_back({udpFrame(20)});                          // a good one at the end still counts
  std::string pcap = tempDir() + "/malformed.pcap";
  writePcap(pcap, frames);

  RunResult r = runOn(pcap);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto* stats = r.log.lastStats();
  ASSERT_NE(stats, nullptr);
  int64_t pkts = EveLog::number(*stats, "stats.decoder.pkts");
  EXPECT_EQ(pkts, static_cast<int64_t>(frames.size()));
  EXPECT_EQ(EveLog::number(*stats, "stats.decoder.decoded") + EveLog::number(*stats, "stats.decoder.invalid"), pkts);
  EXPECT_GE(EveLog::number(*stats, "stats.decoder.invalid"), 7);
  EXPECT_EQ(EveLog::number(*stats, "stats.decoder.event.pkt.zero_length"), 1);
  EXPECT_GE(EveLog::number(*stats, "stats.decoder.event.ethernet.pkt_too_small"), 1);
  EXPECT_GE(EveLog::number(*stats, "stats.decoder.event.ipv4.trunc_pkt"), 2);
  EXPECT_GE(EveLog::number(*stats, "stats.decoder.event.ipv4.hlen_too_small"), 1);
  EXPECT_GE(EveLog::number(*stats, "stats.decoder.event.udp.hlen_invalid"), 1);
}

TEST(BadInput, TruncatedFileKeepsWhatWasReadAndExitsTwo) {
  MAMORI_REQUIRE_SHARED();
  std::string src = sharedDir() + "/corpus/ndpi/http_ipv6.pcap";
  std::string data = readFile(src);
  ASSERT_GT(data.size(), 10000u);
  std::string pcap = tempDir() + "/truncated.pcap";
  std::ofstream(pcap, std::ios::binary).write(data.data(), static_cast<std::streamsize>(data.size() / 2 + 7));
  RunResult r = runOn(pcap);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("truncated"), std::string::npos) << r.output;
  const auto* stats = r.log.lastStats();
  ASSERT_NE(stats, nullptr) << "records for the packets before the cut are still written";
  EXPECT_GT(EveLog::number(*stats, "stats.decoder.pkts"), 50);
  EXPECT_FALSE(r.log.ofType("flow").empty());
}

TEST(BadInput, NonPcapFilesAreRefusedWithExitTwo) {
  std::string dir = tempDir();
  std::ofstream(dir + "/text.pcap") << "this is not a capture file\n";
  std::ofstream(dir + "/empty.pcap");
  std::ofstream(dir + "/short.pcap").write("\xd4\xc3\xb2\xa1\x02\x00", 6);
  for (const std::string name : {"text.pcap", "empty.pcap", "short.pcap", "missing.pcap"}) {
    auto r = run(mamoriBinary() + " run --pcap '" + dir + "/" + name + "' --no-summary 2>&1");
    EXPECT_EQ(r.exit_code, 2) << name << ": " << r.out;
    EXPECT_NE(r.out.find(name), std::string::npos) << "the message names the file: " << r.out;
  }
  auto r = run(mamoriBinary() + " run --pcap '" + dir + "' --no-summary 2>&1");
  EXPECT_EQ(r.exit_code, 2) << r.out;
}

TEST(BadInput, UnknownInterfaceIsAClearError) {
  auto r = run(mamoriBinary() + " run --interface mamori-nosuch0 --no-summary 2>&1");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("mamori-nosuch0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("no such interface"), std::string::npos) << r.out;
}

TEST(BadInput, BadConfigurationNamesTheKey) {
  std::string dir = tempDir();
  std::ofstream(dir + "/bad.yaml") << "flow:\n  timeouts:\n    tcp:\n      establishd: 10\n";
  std::string pcap = dir + "/one.pcap";
  writePcap(pcap, {{udpFrame(4)}});
  auto r = run(mamoriBinary() + " run --pcap '" + pcap + "' --config '" + dir + "/bad.yaml' --no-summary 2>&1");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("flow.timeouts.tcp.establishd"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("unknown key"), std::string::npos) << r.out;
}

// A sensor that cannot alert must not start as if it could: a mistyped rule path, or a rule
// file of which no rule loads, is exit 1 naming what failed. One good rule among bad ones runs,
// and so does a rule file that holds no rule (flows and app records only).
TEST(BadInput, RulesThatGiveTheSensorNothingToMatchStopStartUp) {
  std::string dir = tempDir();
  std::string pcap = dir + "/one.pcap";
  writePcap(pcap, {{udpFrame(4)}});
  auto runWith = [&](const std::string& rules) {
    return run(mamoriBinary() + " run --pcap '" + pcap + "' --rules '" + rules + "' --eve '" + dir +
               "/eve.json' --no-summary 2>&1");
  };

  auto missing = runWith(dir + "/typo.rules");
  EXPECT_EQ(missing.exit_code, 1) << missing.out;
  EXPECT_NE(missing.out.find("rules not read: " + dir + "/typo.rules:0:0: no such rule file or folder"), std::string::npos)
      << missing.out;

  std::ofstream(dir + "/bad.rules") << "alert foo any any -> any any (msg:\"x\"; sid:1;)\n"
                                    << "alert udp any any -> any any (msg:\"y\"; nosuchkeyword; sid:2;)\n";
  auto none = runWith(dir + "/bad.rules");
  EXPECT_EQ(none.exit_code, 1) << none.out;
  EXPECT_NE(none.out.find("none of the 2 rules loaded"), std::string::npos) << none.out;
  EXPECT_NE(none.out.find("bad.rules:1:"), std::string::npos) << none.out;
  EXPECT_NE(none.out.find("bad.rules:2:"), std::string::npos) << none.out;

  std::ofstream(dir + "/bad.rules", std::ios::app) << "alert udp any any -> any any (msg:\"z\"; sid:3;)\n";
  auto some = runWith(dir + "/bad.rules");
  EXPECT_EQ(some.exit_code, 0) << some.out;
  EXPECT_EQ(EveLog::load(dir + "/eve.json").ofType("alert").size(), 1u);

  std::ofstream(dir + "/empty.rules") << "# nothing yet\n";
  auto empty = runWith(dir + "/empty.rules");
  EXPECT_EQ(empty.exit_code, 0) << empty.out;
}

}  // namespace
}  // namespace mamori::test
