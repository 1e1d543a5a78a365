// SIP as the app layer parses it, on the corpus captures that carry SIP (found with
// `tshark -Y sip` over ../shared/corpus): each message AppParsers reports (its SIP plug-in
// chosen by its probe, no nDPI) is matched with the frame tshark decodes, by (timestamp in
// microseconds, source port, destination port), and compared field by field: method,
// request URI, status code and the From, To, Via, User-Agent, Content-Type and
// Content-Length headers (each instance, compact forms included). Agreement is printed
// per field; each must be at least 99%.
#include <gtest/gtest.h>

#include <cstdio>
#include <deque>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "applayer/app_parsers.h"
#include "tests/applayer/capture_run.h"
#include "tests/applayer/field_agreement.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

using Key = test::MessageKey;
// Field values by our keyword.
using Message = test::MessageFields;

// Our keyword and tshark's field for it.
constexpr std::pair<const char*, const char*> kFields[] = {
    {"sip.method", "sip.Method"},         {"sip.uri", "sip.r-uri"},
    {"sip.stat_code", "sip.Status-Code"}, {"sip.from", "sip.From"},
    {"sip.to", "sip.To"},                 {"sip.via", "sip.Via"},
    {"sip.user_agent", "sip.User-Agent"}, {"sip.content_type", "sip.Content-Type"},
    {"sip.content_length", "sip.Content-Length"},
};

const char* const kCaptures[] = {
    "ndpi/sip.pcap",
    "suricata-verify/sip-from/input.pcap",
};

class SipRecords final : public AppEventListener {
 public:
  void onAppEvent(Flow&, const AppRecord& r) override {
    const auto* tx = std::get_if<ProtocolTransaction>(&r.body);
    if (!tx || std::string_view(tx->protocol) != "sip") return;  // sip-from's capture carries FTP too
    Message m;
    for (const ProtocolField& f : tx->fields) m[f.name].emplace_back(tx->value(f));
    messages[Key{r.ts, r.src_port, r.dest_port}].push_back(std::move(m));
  }
  std::map<Key, std::deque<Message>> messages;
};

std::map<Key, std::deque<Message>> tsharkMessages(const std::string& pcap) {
  std::vector<std::string> fields;
  for (const auto& [ours, theirs] : kFields) fields.emplace_back(theirs);
  std::map<Key, std::deque<Message>> out;
  for (auto& [key, values] : test::tsharkFrames(pcap, "sip && !icmp && !icmpv6", fields)) {
    Message m;
    for (size_t i = 0; i < std::size(kFields); ++i) {
      if (!values[i].empty()) m[kFields[i].first] = std::move(values[i]);
    }
    out[key].push_back(std::move(m));
  }
  return out;
}

TEST(SipCorpus, FieldsAgreeWithTshark) {
  MAMORI_REQUIRE_SHARED();
  std::vector<std::string> fields;
  for (const auto& [field, unused] : kFields) fields.emplace_back(field);
  test::FieldAgreement agreement;
  uint64_t frames = 0, unmatched_ours = 0;
  for (const char* capture : kCaptures) {
    const std::string pcap = test::sharedDir() + "/corpus/" + capture;
    AppParsers parsers(AppParsers::Config{}, nullptr);
    SipRecords ours;
    parsers.addListener(&ours);
    ASSERT_NO_FATAL_FAILURE(test::runCapture(pcap, parsers));
    frames += agreement.compare(capture, tsharkMessages(pcap), ours.messages, fields,
                                [](const std::string&, const Message&, const auto& a, const auto& b) { return a == b; });
    unmatched_ours += test::FieldAgreement::unmatched(ours.messages);
    const AppParserCounters c = [&] {
      parsers.publish();
      return parsers.published();
    }();
    std::printf("%-40s sip messages %llu, malformed %llu\n", capture,
                static_cast<unsigned long long>(c.protocols.at(0).transactions),
                static_cast<unsigned long long>(c.protocols.at(0).malformed));
  }
  std::printf("%llu SIP frames (tshark); %llu messages only mamori saw\n", static_cast<unsigned long long>(frames),
              static_cast<unsigned long long>(unmatched_ours));
  ASSERT_GT(frames, 100u);
  agreement.expectAtLeast(fields, 99.0);
  EXPECT_EQ(unmatched_ours, 0u);
}

}  // namespace
}  // namespace mamori
