// Every packet accounted for: on every corpus capture, the final stats record counts
// every packet capinfos sees, and each is either decoded or counted as malformed.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

std::vector<std::string> allCorpusPcaps() {
  auto a = corpusPcaps("ndpi");
  auto b = corpusPcaps("suricata-verify");
  a.insert(a.end(), b.begin(), b.end());
  if (a.empty()) a.push_back("(missing ../shared)");  // the test then fails under CI, skips elsewhere
  return a;
}

struct Capinfos {
  int64_t packets = -1;
  bool damaged = false;  // capinfos stopped at a corrupt record
};

Capinfos capinfos(const std::string& pcap) {
  Capinfos c;
  auto r = run("capinfos -M -c -T -r '" + pcap + "' 2>&1");
  auto after = r.out.find("An error occurred after reading ");
  if (after != std::string::npos) {
    c.damaged = true;
    c.packets = std::stoll(r.out.substr(after + 32));
  } else if (r.exit_code == 0) {
    c.packets = std::stoll(r.out.substr(r.out.rfind('\t') + 1));
  }
  return c;
}

class CorpusAccounting : public ::testing::TestWithParam<std::string> {};

TEST_P(CorpusAccounting, EveryPacketIsDecodedOrCountedMalformed) {
  MAMORI_REQUIRE_SHARED();
  const std::string pcap = GetParam();
  const std::string eve = tempDir() + "/eve.json";
  std::string out;
  int rc = runMamori(pcap, eve, "--workers 1", &out);
  Capinfos expected = capinfos(pcap);
  ASSERT_GE(expected.packets, 0) << "capinfos cannot read " << pcap;
  // A damaged file is read up to the damage, reported, and exits 2, as capinfos stops there too.
  ASSERT_EQ(rc, expected.damaged ? 2 : 0) << out;
  EveLog log = EveLog::load(eve);
  EXPECT_EQ(log.badLines(), 0u);
  const auto* stats = log.lastStats();
  ASSERT_NE(stats, nullptr);
  int64_t pkts = EveLog::number(*stats, "stats.decoder.pkts");
  int64_t decoded = EveLog::number(*stats, "stats.decoder.decoded");
  int64_t invalid = EveLog::number(*stats, "stats.decoder.invalid");
  EXPECT_EQ(pkts, expected.packets) << "packets read differ from capinfos";
  EXPECT_EQ(decoded + invalid, pkts) << "packets neither decoded nor counted as malformed";
  int64_t by_kind = 0;
  const auto& events = (*stats)["stats"]["decoder"]["event"];
  for (auto it = events.MemberBegin(); it != events.MemberEnd(); ++it) {
    for (auto k = it->value.MemberBegin(); k != it->value.MemberEnd(); ++k) by_kind += k->value.GetInt64();
  }
  // Each malformed packet counts its kind among the events; packets that decode with an
  // anomaly (an IPv6 fragment header fragmenting nothing, overlapping fragments) add theirs.
  EXPECT_GE(by_kind, invalid) << "a malformed packet without its kind";
  if (invalid > 0) std::printf("%s: %lld malformed\n", pcap.c_str(), static_cast<long long>(invalid));
}

std::string caseName(const ::testing::TestParamInfo<std::string>& info) {
  std::filesystem::path p(info.param);
  std::string name = p.parent_path().filename().string() + "_" + p.filename().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name + "_" + std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(Corpus, CorpusAccounting, ::testing::ValuesIn(allCorpusPcaps()), caseName);

}  // namespace
}  // namespace mamori::test
