// DcerpcConversation fed as the smb plug-in will feed it: the DCE/RPC PDUs a capture carries
// inside SMB named pipes (the client's writes ToServer, the server's reads ToClient), taken
// from tshark's decode of suricata-verify's smb-dce_iface / smb-dce_opnum captures (the bytes
// of each dcerpc layer, in frame order). What it hands on is what Suricata's dcerpc keywords
// count there: a call (request and response alike) per accepted interface and per opnum, the
// alert counts those cases expect (6 for the spoolss interface, 4 for opnum 10, 2 for 89).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <array>
#include <map>
#include <string>
#include <vector>

#include "applayer/dcerpc_conversation.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

struct PipePdu {
  Direction dir;
  std::vector<uint8_t> bytes;
};

std::vector<uint8_t> fromHex(const std::string& hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

// Each dcerpc layer's bytes (tshark -x: "dcerpc_raw" is [hex, offset, length, ...], or a list
// of those when a frame holds several PDUs); port 445 sends the server's.
std::vector<PipePdu> namedPipePdus(const std::string& pcap) {
  const test::CommandResult r = test::run("tshark -r '" + pcap + "' -Y dcerpc -T json -x 2>/dev/null");
  rapidjson::Document d;
  d.Parse(r.out.c_str());
  std::vector<PipePdu> out;
  if (!d.IsArray()) return out;
  for (const auto& packet : d.GetArray()) {
    const auto& layers = packet["_source"]["layers"];
    const Direction dir = std::string(layers["tcp"]["tcp.srcport"].GetString()) == "445" ? Direction::ToClient : Direction::ToServer;
    const auto& raw = layers["dcerpc_raw"];
    if (raw[0].IsString()) {
      out.push_back({dir, fromHex(raw[0].GetString())});
      continue;
    }
    for (const auto& one : raw.GetArray()) out.push_back({dir, fromHex(one[0].GetString())});
  }
  return out;
}

// 12345678-1234-abcd-ef00-0123456789ab, the spoolss interface the captures bind.
constexpr std::array<uint8_t, 16> kSpoolss = {0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0xab, 0xcd,
                                              0xef, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab};

struct CallCounts final : DcerpcCallSink {
  void call(Direction, const DcerpcCall& c) override {
    if (c.type != DcerpcPduType::Request && !(c.request_seen && c.request_type == DcerpcPduType::Request)) return;
    ++calls;
    for (const DcerpcInterface& i : c.interfaces) {
      if (i.acked && i.result == 0 && i.uuid == kSpoolss && c.first_fragment) ++spoolss;
    }
    ++by_opnum[c.opnum];
  }
  void malformed() override { ++bad; }
  int calls = 0, spoolss = 0, bad = 0;
  std::map<uint16_t, int> by_opnum;
};

TEST(DcerpcNamedPipe, CallsOverSmbCountAsSuricatasKeywordsDo) {
  MAMORI_REQUIRE_SHARED();
  for (const char* name : {"smb-dce_iface", "smb-dce_opnum"}) {
    const std::vector<PipePdu> pdus = namedPipePdus(test::sharedDir() + "/corpus/suricata-verify/" + name + "/input.pcap");
    ASSERT_EQ(pdus.size(), 8u) << name << ": a bind, its ack, three requests and their responses";
    AppMemory memory(1 << 20);
    DcerpcConversation conversation(&memory);
    CallCounts counts;
    for (const PipePdu& p : pdus) conversation.onData(p.dir, p.bytes.data(), p.bytes.size(), counts);
    EXPECT_EQ(counts.bad, 0) << name;
    EXPECT_EQ(counts.calls, 6) << name;
    EXPECT_EQ(counts.spoolss, 6) << name << ": smb-dce_iface expects 6 alerts";
    EXPECT_EQ(counts.by_opnum[10], 4) << name << ": smb-dce_opnum expects 4 alerts for opnum 10";
    EXPECT_EQ(counts.by_opnum[89], 2) << name << ": and 2 for opnum 89";
  }
}

}  // namespace
}  // namespace mamori
