// SNMP as the app layer parses it, cross-checked with tshark. The corpus carries no SNMP, so
// the capture is written here (tests/integration/pcap_file_writer.h) from messages built in
// BER (tests/applayer/snmp_builder.h): v1 and v2c gets, responses, sets and walks, a v1 trap,
// a v2c trap, v3 USM messages in the clear and sealed, on ports 161 and 162. tshark decodes the
// file on its own; each message's record is matched with tshark's frame by (timestamp in
// microseconds, source port, destination port) and compared field by field: version, community,
// PDU type, variable names, the USM user, the trap's enterprise and agent. Agreement is
// printed per field; each must be 100%. Every EVE object validates against Suricata's schema.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "applayer/app_parsers.h"
#include "tests/applayer/capture_run.h"
#include "tests/applayer/eve_members.h"
#include "tests/applayer/eve_schema_check.h"
#include "tests/applayer/field_agreement.h"
#include "tests/applayer/snmp_builder.h"
#include "tests/capture/packet_builder.h"
#include "tests/integration/pcap_file_writer.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

using Message = test::MessageFields;
namespace snmp = test::snmp;

const char* const kFields[] = {"version", "community", "pdu_type", "vars", "usm", "trap_oid", "trap_address"};

class SnmpRecords final : public AppEventListener {
 public:
  void onAppEvent(Flow&, const AppRecord& r) override {
    const auto* tx = std::get_if<ProtocolTransaction>(&r.body);
    if (!tx || std::string_view(tx->protocol) != "snmp" || !tx->logged) return;
    objects.push_back(tx->eve);
    Message m = test::eveMembers(tx->eve);
    // The PDU type as the keyword compares it, tshark's number.
    for (const ProtocolField& f : tx->fields) {
      if (std::string_view(f.name) == "snmp.pdu_type") m["pdu_type"] = {std::to_string(static_cast<uint8_t>(tx->value(f)[3]))};
    }
    messages[test::MessageKey{r.ts, r.src_port, r.dest_port}].push_back(std::move(m));
  }
  test::MessagesByKey messages;
  std::vector<std::string> objects;
};

test::MessagesByKey tsharkMessages(const std::string& pcap) {
  test::MessagesByKey out;
  const auto frames = test::tsharkFrames(pcap, "snmp",
                                         {"snmp.version", "snmp.community", "snmp.data", "snmp.name",
                                          "snmp.msgUserName", "snmp.enterprise", "snmp.agent_addr", "snmp.msgVersion"});
  for (const auto& [key, f] : frames) {
    Message m;
    for (size_t i = 0; i + 1 < f.size(); ++i) {
      if (f[i].empty() || f[i][0].empty()) continue;
      m[kFields[i]] = f[i];
    }
    // tshark's version is the wire's (0, 1; v3's msgVersion 3); Suricata's 1, 2, 3.
    if (m.count("version")) m["version"] = {std::to_string(std::stoi(m["version"][0]) + 1)};
    if (!f.back().empty() && !f.back()[0].empty()) m["version"] = f.back();
    // A sealed v3 PDU: tshark shows the encrypted data, Suricata the word.
    if (m.count("usm") && !m.count("pdu_type")) m["pdu_type"] = {"encrypted"};
    out[key].push_back(std::move(m));
  }
  return out;
}

// The capture's messages, each a datagram from a manager (10.0.0.1) to an agent (10.0.0.2:161)
// or back, or a trap to the manager's port 162. Each version has a flow of its own (a manager
// port, a trap source port): Suricata logs a flow's version as its first message's.
std::vector<test::PcapFrame> frames() {
  using test::Bytes;
  const std::vector<uint64_t> sys_descr = {1, 3, 6, 1, 2, 1, 1, 1, 0}, if_table = {1, 3, 6, 1, 2, 1, 2, 2, 1, 10, 1000001},
                              big_arc = {1, 3, 6, 1, 4, 1, 311, 21, 4294967295};
  struct Datagram {
    bool from_agent;
    uint16_t agent_port;
    Bytes payload;
  };
  const std::vector<Datagram> datagrams = {
      {false, 161, snmp::community(0, "public", snmp::pdu(0, 1, {sys_descr}))},
      {true, 161, snmp::community(0, "public", snmp::pdu(2, 1, {sys_descr}))},
      {false, 161, snmp::community(1, "private", snmp::pdu(1, 2, {if_table, big_arc}))},
      {true, 161, snmp::community(1, "private", snmp::pdu(2, 2, {if_table, big_arc}))},
      {false, 161, snmp::community(1, "private", snmp::pdu(3, 3, {sys_descr}))},
      {false, 161, snmp::community(1, "public", snmp::pdu(5, 4, {if_table}))},
      {true, 162, snmp::community(0, "traps", snmp::trapV1({1, 3, 6, 1, 4, 1, 9, 1}, {192, 0, 2, 9}, 2, {if_table}))},
      {true, 162, snmp::community(1, "traps", snmp::pdu(7, 5, {{1, 3, 6, 1, 2, 1, 1, 3, 0}, if_table}))},
      {true, 162, snmp::community(1, "traps", snmp::pdu(6, 6, {sys_descr}))},
      {false, 161, snmp::v3("operator", 4, snmp::pdu(0, 7, {sys_descr}))},
      {true, 161, snmp::v3("operator", 0, snmp::pdu(8, 7, {{1, 3, 6, 1, 6, 3, 15, 1, 1, 4, 0}}))},
      {false, 161, snmp::v3("operator", 7, {})},
  };
  std::vector<test::PcapFrame> out;
  for (const Datagram& d : datagrams) {
    // The wire's version: the message's first INTEGER (after the SEQUENCE's tag and length,
    // the INTEGER's tag and length 1).
    const size_t sequence_header = d.payload[1] & 0x80 ? 2 + (d.payload[1] & 0x7f) : 2;
    const auto version = static_cast<uint16_t>(d.payload[sequence_header + 2]);
    const uint16_t manager_port = 40000 + version;
    const Bytes udp = d.agent_port == 162 ? test::udp(50000 + version, 162, d.payload)
                      : d.from_agent      ? test::udp(161, manager_port, d.payload)
                                          : test::udp(manager_port, 161, d.payload);
    out.push_back({test::ethernet(0x0800, d.from_agent ? test::ipv4("10.0.0.2", "10.0.0.1", 17, udp)
                                                       : test::ipv4("10.0.0.1", "10.0.0.2", 17, udp))});
  }
  return out;
}

TEST(SnmpTshark, MessagesWrittenHereAgreeWithTshark) {
  const std::string pcap = test::tempDir() + "/snmp.pcap";
  ASSERT_TRUE(test::writePcapFile(pcap, frames()));
  AppParsers parsers(AppParsers::Config{}, nullptr);
  SnmpRecords ours;
  parsers.addListener(&ours);
  ASSERT_NO_FATAL_FAILURE(test::runCapture(pcap, parsers));
  test::FieldAgreement agreement;
  const uint64_t compared =
      agreement.compare("snmp.pcap", tsharkMessages(pcap), ours.messages, kFields,
                        [](const std::string&, const Message&, const auto& theirs, const auto& ours) { return theirs == ours; });
  std::printf("%llu SNMP messages (tshark); %llu only mamori saw\n", static_cast<unsigned long long>(compared),
              static_cast<unsigned long long>(test::FieldAgreement::unmatched(ours.messages)));
  EXPECT_EQ(compared, 12u);
  agreement.expectAtLeast(kFields, 100.0);
  EXPECT_EQ(test::FieldAgreement::unmatched(ours.messages), 0u);
  test::expectEveObjectsMatchSchema("snmp", ours.objects);
}

}  // namespace
}  // namespace mamori
