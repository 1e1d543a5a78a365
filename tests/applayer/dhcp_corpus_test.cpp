// DHCP as the app layer parses it, on the corpus captures that carry it (nDPI's 1kxun, iphone,
// teams and zoom: discovers, requests, offers, acks and informs of phones and laptops). Each
// message's EVE object is matched with the frame tshark decodes by (timestamp in
// microseconds, source port, destination port) and compared field by field with tshark's
// BOOTP header and options; the lease times also as the dhcp.leasetime field the keyword
// compares. Agreement is printed per field; each must be at least 99%. Every EVE object
// validates against Suricata's EVE schema for `dhcp`.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "applayer/app_parsers.h"
#include "tests/applayer/eve_members.h"
#include "tests/applayer/eve_schema_check.h"
#include "tests/applayer/field_agreement.h"
#include "tests/applayer/plugin_corpus_check.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

using Key = test::MessageKey;
using Message = test::MessageFields;

// Our names of fields, and tshark's for each, in the same order.
const char* const kFields[] = {"type",       "id",           "client_mac", "assigned_ip", "client_ip",
                               "relay_ip",   "next_server_ip", "dhcp_type", "hostname",   "requested_ip",
                               "lease_time", "subnet_mask",  "routers",    "dns_servers", "params",
                               "vendor_class_identifier", "dhcp.leasetime"};
const char* const kCaptures[] = {"ndpi/1kxun.pcap", "ndpi/iphone.pcap", "ndpi/teams.pcap", "ndpi/zoom.pcap"};

class DhcpRecords final : public AppEventListener {
 public:
  void onAppEvent(Flow&, const AppRecord& r) override {
    const auto* tx = std::get_if<ProtocolTransaction>(&r.body);
    if (!tx || std::string_view(tx->protocol) != "dhcp") return;
    objects.push_back(tx->eve);
    Message m = test::eveMembers(tx->eve);
    for (const ProtocolField& f : tx->fields) {
      if (std::string_view(f.name) != "dhcp.leasetime") continue;
      const std::string_view v = tx->value(f);
      uint32_t seconds = 0;
      for (char c : v) seconds = seconds << 8 | static_cast<uint8_t>(c);
      m["dhcp.leasetime"].push_back(std::to_string(seconds));
    }
    messages[Key{r.ts, r.src_port, r.dest_port}].push_back(std::move(m));
  }
  test::MessagesByKey messages;
  std::vector<std::string> objects;
};

// tshark's option 53 and option 55 values by the names Suricata logs (RFC 2132's codes).
const std::map<std::string, std::string> kTsharkMessageTypes = {
    {"1", "discover"}, {"2", "offer"}, {"3", "request"}, {"4", "decline"},
    {"5", "ack"},      {"6", "nak"},   {"7", "release"}, {"8", "inform"}};
const std::map<std::string, std::string> kTsharkParams = {
    {"1", "subnet_mask"}, {"3", "router"},      {"6", "dns_server"},        {"15", "domain"},
    {"35", "arp_timeout"}, {"42", "ntp_server"}, {"66", "tftp_server_name"}, {"150", "tftp_server_ip"}};

test::MessagesByKey tsharkMessages(const std::string& pcap) {
  test::MessagesByKey out;
  const auto frames = test::tsharkFrames(
      pcap, "dhcp",
      {"dhcp.type", "dhcp.id", "dhcp.hw.mac_addr", "dhcp.ip.your", "dhcp.ip.client", "dhcp.ip.relay", "dhcp.ip.server",
       "dhcp.option.dhcp", "dhcp.option.hostname", "dhcp.option.requested_ip_address",
       "dhcp.option.ip_address_lease_time", "dhcp.option.subnet_mask", "dhcp.option.router",
       "dhcp.option.domain_name_server", "dhcp.option.request_list_item", "dhcp.option.vendor_class_id"});
  for (const auto& [key, f] : frames) {
    Message m;
    const bool reply = !f[0].empty() && f[0][0] == "2";
    for (size_t i = 0; i < f.size(); ++i) {
      if (f[i].empty() || f[i][0].empty()) continue;
      const std::string field = kFields[i];
      std::vector<std::string> values = f[i];
      if (field == "type") values = {reply ? "reply" : "request"};
      if (field == "id") values = {std::to_string(std::stoul(values[0], nullptr, 16))};
      if (field == "client_mac") values.resize(1);  // the header's; a client identifier's follows
      if ((field == "relay_ip" || field == "next_server_ip") && !reply) continue;
      if (field == "dhcp_type") values = {kTsharkMessageTypes.count(values[0]) ? kTsharkMessageTypes.at(values[0]) : "unknown"};
      if (field == "params") {
        std::vector<std::string> named;
        for (const std::string& code : values) {
          if (kTsharkParams.count(code)) named.push_back(kTsharkParams.at(code));
        }
        if (named.empty()) continue;
        values = named;
      }
      m[field] = values;
      if (field == "lease_time") m["dhcp.leasetime"] = values;
    }
    out[key].push_back(std::move(m));
  }
  return out;
}

TEST(DhcpCorpus, MessagesAgreeWithTshark) {
  MAMORI_REQUIRE_SHARED();
  test::PluginCorpusTally tally;
  for (const char* capture : kCaptures) {
    ASSERT_NO_FATAL_FAILURE(test::crossCheckCapture<DhcpRecords>(
        capture, "dhcp", tsharkMessages, kFields,
        [](const std::string&, const Message&, const auto& theirs, const auto& ours) { return theirs == ours; }, tally));
  }
  std::printf("%llu DHCP messages (tshark); %llu only mamori saw\n", static_cast<unsigned long long>(tally.frames),
              static_cast<unsigned long long>(tally.unmatched_ours));
  ASSERT_GE(tally.frames, 40u);
  tally.agreement.expectAtLeast(kFields, 99.0);
  EXPECT_EQ(tally.unmatched_ours, 0u);
  test::expectEveObjectsMatchSchema("dhcp", tally.objects);
}

}  // namespace
}  // namespace mamori
