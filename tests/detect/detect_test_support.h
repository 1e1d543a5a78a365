#pragma once
// What the detect tests share besides building rule sets: a sink that collects alerted
// sids, the check that a bad rule is refused at the right column with its reason, and a
// fixture holding an inspector over a rule set with its flow state.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "detect/alert.h"
#include "detect/flow_state_pool.h"
#include "detect/packet_inspector.h"
#include "rules/rule_parser.h"
#include "tests/detect/rule_set_builder.h"

namespace mamori::test {

using Sids = std::vector<uint32_t>;

struct CollectingSink : AlertSink {
  Sids sids;
  void onAlert(const Alert& a) override { sids.push_back(a.sid); }
};

struct BadCase {
  std::string options;
  std::string at;  // the error points at the last occurrence of this in the options
  std::string reason_part;
};

// Each `head + options + " sid:9;)"` is refused, at `at`'s column, for a reason naming
// `reason_part`, with its line and sid.
inline void expectRefusals(const std::string& head, const std::vector<BadCase>& cases) {
  for (const BadCase& c : cases) {
    RuleParser parser;
    RuleError e;
    const std::string text = head + c.options + " sid:9;)";
    ASSERT_FALSE(parser.parseRule(text, "k.rules", 3, e).has_value()) << c.options;
    EXPECT_NE(e.reason.find(c.reason_part), std::string::npos) << c.options << " -> " << e.reason;
    EXPECT_EQ(e.column, head.size() + c.options.rfind(c.at) + 1) << c.options << " -> " << e.reason;
    EXPECT_EQ(e.line, 3u);
    EXPECT_EQ(e.sid, 9u) << c.options;
  }
}

// A packet of the client 10.0.0.1:40000 talking to 192.0.2.1:`port` over TCP, going to
// the server or coming back.
inline DecodedPacket clientServerPacket(bool to_server, uint16_t port = 80) {
  DecodedPacket pkt;
  IpAddress::parse(to_server ? "10.0.0.1" : "192.0.2.1", pkt.src);
  IpAddress::parse(to_server ? "192.0.2.1" : "10.0.0.1", pkt.dst);
  pkt.ip_version = 4;
  pkt.proto = 6;
  pkt.sport = to_server ? 40000 : port;
  pkt.dport = to_server ? port : 40000;
  return pkt;
}

// The phases a whole HTTP request (HttpRequest) or response (HttpResponse) is inspected
// in: its headers' as they come in, then its end's; any other phase alone. A test handing
// in a whole message inspects it in each, as a transaction that completes is.
inline std::vector<AppPhase> stepsOf(AppPhase whole) {
  if (whole == AppPhase::HttpRequest) return {AppPhase::HttpRequestHeaders, AppPhase::HttpRequest};
  if (whole == AppPhase::HttpResponse) return {AppPhase::HttpResponseHeaders, AppPhase::HttpResponse};
  return {whole};
}

class InspectorTest : public ::testing::Test {
 protected:
  void load(const std::string& rules, const RuleVariables& variables = RuleVariables()) {
    db_ = buildRuleSet(rules, variables);
    ASSERT_NE(db_, nullptr);
    inspector_ = std::make_unique<PacketInspector>(db_);
    pool_.configure(db_->flowbitCount(), db_->flowintCount(), 0);
  }

  FlowStatePool pool_{8};
  std::shared_ptr<const SignatureDatabase> db_;
  std::unique_ptr<PacketInspector> inspector_;
};

}  // namespace mamori::test
