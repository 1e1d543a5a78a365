// app-layer-event: the keyword as rules check reads it (every name Suricata has, errors
// with their column and sid), the default event rules, and detection on the events a
// record raises (PacketInspector::inspectAppEvents, and inspectApp for rules that name
// buffers too).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "applayer/app_layer_event.h"
#include "detect/app_buffer_builder.h"
#include "detect/packet_inspector.h"
#include "rules/app_layer_event_names.h"
#include "rules/rule_parser.h"
#include "tests/detect/detect_test_support.h"

namespace mamori {
namespace {

using test::CollectingSink;
using test::Sids;

std::optional<Rule> parse(const std::string& text, RuleError& error) {
  RuleParser parser;
  return parser.parseRule(text, "e.rules", 1, error);
}

TEST(AppLayerEventKeyword, ReadsProtocolAndNameWithoutRegardToCase) {
  RuleError error;
  auto rule = parse("alert tls any any -> any any (app-layer-event:TLS.Invalid_Record_Type; sid:1;)", error);
  ASSERT_TRUE(rule) << error.toString();
  ASSERT_EQ(rule->app_events.size(), 1u);
  EXPECT_EQ(rule->app_events[0].protocol, "tls");
  EXPECT_EQ(rule->app_events[0].name, "invalid_record_type");

  // Suricata's own file events are written in capitals; detection events have no protocol.
  rule = parse("alert ip any any -> any any (app-layer-event:file.NO_MEMORY; "
               "app-layer-event:applayer_mismatch_protocol_both_directions; sid:2;)", error);
  ASSERT_TRUE(rule) << error.toString();
  ASSERT_EQ(rule->app_events.size(), 2u);
  EXPECT_EQ(rule->app_events[0].name, "no_memory");
  EXPECT_EQ(rule->app_events[1].protocol, "");
  EXPECT_EQ(rule->app_events[1].name, "applayer_mismatch_protocol_both_directions");

  // http1 and ssl rules see http and tls events.
  EXPECT_TRUE(parse("alert http1 any any -> any any (app-layer-event:http.missing_host_header; sid:3;)", error))
      << error.toString();
  EXPECT_TRUE(parse("alert ssl any any -> any any (app-layer-event:tls.heartbeat_message; sid:4;)", error))
      << error.toString();
}

// Every name of every protocol, parsed or not by mamori, loads: rule sets for those
// protocols pass `rules check`.
TEST(AppLayerEventKeyword, EveryKnownNameLoads) {
  size_t names = 0;
  for (const AppLayerEventProtocol& p : appLayerEventProtocols()) {
    for (std::string_view name : p.names) {
      RuleError error;
      const std::string text = "alert ip any any -> any any (app-layer-event:" + std::string(p.protocol) + "." +
                               std::string(name) + "; sid:1;)";
      EXPECT_TRUE(parse(text, error)) << error.toString();
      ++names;
    }
  }
  for (std::string_view name : appLayerDetectionEvents()) {
    RuleError error;
    EXPECT_TRUE(parse("alert ip any any -> any any (app-layer-event:" + std::string(name) + "; sid:1;)", error))
        << error.toString();
  }
  EXPECT_GT(names, 250u);
  // The ones the corpus rules and Suricata's rule files name, of protocols mamori has no
  // parser for.
  for (const char* name : {"smb.file_overlap", "http2.userinfo_in_uri", "smtp.bdat_chunk_len_exceeded",
                           "sip.invalid_data", "krb5.weak_encryption", "quic.failed_decrypt", "ssh.invalid_record"}) {
    RuleError error;
    EXPECT_TRUE(parse(std::string("alert ip any any -> any any (app-layer-event:") + name + "; sid:1;)", error))
        << error.toString();
  }
}

TEST(AppLayerEventKeyword, UnknownNamesAreRefusedWhereTheyStand) {
  test::expectRefusals("alert tls any any -> any any (",
                       {
                           {"app-layer-event:tls.no_such_thing;", "no_such_thing", "tls has no event 'no_such_thing'"},
                           {"app-layer-event:gopher.bad_menu;", "gopher", "unknown app-layer-event protocol 'gopher'"},
                           {"app-layer-event:something_odd;", "something_odd", "unknown app-layer-event 'something_odd'"},
                           {"app-layer-event:http.missing_host_header;", "http.missing", "is a http event, and the rule is for tls"},
                           {"app-layer-event;", "app-layer-event", "needs a value"},
                       });
}

TEST(DefaultEventRules, LoadWithTheDefaultRulesAndCoverEveryRaisedEventButTheBenignOnes) {
  const std::filesystem::path dir = std::filesystem::path(MAMORI_SOURCE_DIR) / "rules" / "default";
  RuleParser parser;
  ParsedRules parsed;
  bool found = false;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".rules") continue;
    ASSERT_TRUE(parser.parseFile(entry.path().string(), parsed)) << entry.path();
    found |= entry.path().filename() == "app-layer-events.rules";
  }
  ASSERT_TRUE(found);
  for (const RuleError& e : parsed.errors) ADD_FAILURE() << e.toString();

  AppLayerEventSet covered;
  for (const Rule& r : parsed.rules) {
    if (r.file.ends_with("app-layer-events.rules")) {
      EXPECT_GE(r.sid, 9100000u);
      EXPECT_LE(r.sid, 9100999u);
    }
    for (const AppEventTest& e : r.app_events) {
      if (auto raised = findAppLayerEvent(e.protocol, e.name)) ::mamori::raise(covered, *raised);
    }
  }
  // Events benign traffic raises as a matter of course, deliberately left without a default
  // rule (rules/default/app-layer-events.rules says why); a rule author may still write one.
  AppLayerEventSet silent;
  ::mamori::raise(silent, AppLayerEvent::MqttUnintroducedMessage);  // every MQTT session picked up mid-way
  for (size_t k = 0; k < kAppLayerEventCount; ++k) {
    const std::string_view name = appLayerEventName(static_cast<AppLayerEvent>(k)).name;
    if (silent.test(k)) {
      EXPECT_FALSE(covered.test(k)) << name << " has a default rule now: take it off the silent list";
    } else {
      EXPECT_TRUE(covered.test(k)) << "no default rule for " << name;
    }
  }
  std::vector<RuleError> errors;
  EXPECT_NE(SignatureDatabase::build(std::move(parsed.rules), errors), nullptr);
  for (const RuleError& e : errors) ADD_FAILURE() << e.toString();
}

// A client 10.0.0.1:40000 talking to 192.0.2.1:80: records' events inspected as
// DetectObserver does, from the side whose data raised them.
class AppEventDetectTest : public test::InspectorTest {
 protected:
  void SetUp() override {
    load(R"(alert http any any -> any any (flow:established,to_server; app-layer-event:http.request_auth_unrecognized; sid:1;)
alert tls any any -> any any (app-layer-event:tls.invalid_handshake_message; app-layer-event:tls.certificate_invalid_length; sid:2;)
alert http any any -> any any (http.uri; content:"/admin"; app-layer-event:http.missing_host_header; sid:3;)
alert http any any -> any any (app-layer-event:http.multipart_invalid_header; sid:4;)
alert ip any any -> any any (app-layer-event:applayer_wrong_direction_first_data; sid:5;)
)");
  }

  static AppLayerEventSet set(std::initializer_list<AppLayerEvent> events) {
    AppLayerEventSet s;
    for (AppLayerEvent e : events) ::mamori::raise(s, e);
    return s;
  }

  Sids events(bool to_server, const char* app_proto, const AppLayerEventSet& all, const AppLayerEventSet& fresh) {
    FlowContext flow{7, to_server, true, {3, 3}, {100, 100}, &pool_, &handle_};
    flow.app_proto = app_proto;
    sink_.sids.clear();
    inspector_->inspectAppEvents(test::clientServerPacket(to_server), flow, all, fresh, sink_);
    std::sort(sink_.sids.begin(), sink_.sids.end());
    return sink_.sids;
  }

  uint32_t handle_ = 0;
  CollectingSink sink_;
};

TEST_F(AppEventDetectTest, AnEventRuleAlertsWhereItsEventIsRaised) {
  using E = AppLayerEvent;
  const AppLayerEventSet auth = set({E::HttpRequestAuthUnrecognized});
  EXPECT_EQ(events(true, "http", auth, auth), Sids{1});
  // Raised before: the transaction's later records do not alert again.
  EXPECT_EQ(events(true, "http", auth, set({E::HttpRequestHeaderInvalid})), Sids{});
  // The rule's flow:to_server keeps it off the server's side.
  EXPECT_EQ(events(false, "http", auth, auth), Sids{});
  // Its header protocol: only on HTTP flows.
  EXPECT_EQ(events(true, "tls", auth, auth), Sids{});
}

TEST_F(AppEventDetectTest, EveryEventOfTheRuleMustBeRaised) {
  using E = AppLayerEvent;
  const AppLayerEventSet handshake = set({E::TlsInvalidHandshakeMessage});
  EXPECT_EQ(events(false, "tls", handshake, handshake), Sids{});
  const AppLayerEventSet both = set({E::TlsInvalidHandshakeMessage, E::TlsCertificateInvalidLength});
  EXPECT_EQ(events(false, "tls", both, set({E::TlsCertificateInvalidLength})), Sids{2});
}

TEST_F(AppEventDetectTest, DetectionEventsMatchAnyProtocolAndUnraisedNamesNever) {
  using E = AppLayerEvent;
  const AppLayerEventSet wrong = set({E::ApplayerWrongDirectionFirstData});
  EXPECT_EQ(events(false, "", wrong, wrong), Sids{5});
  // http.multipart_invalid_header is a name mamori's parsers never raise: sid 4 loads and
  // stays silent whatever else is raised.
  AppLayerEventSet all;
  all.set();
  EXPECT_EQ(events(true, "http", all, all), (Sids{1, 5}));
}

TEST_F(AppEventDetectTest, ARuleWithBuffersChecksTheTransactionsEvents) {
  HttpTransaction tx;
  tx.method = "GET";
  tx.uri = tx.uri_raw = "/admin";
  AppRecord record;
  record.event = AppEvent::HttpRequestHeaders;
  record.body = tx;
  AppBufferBuilder builder;
  const std::optional<AppPhase> phase = builder.build(record);
  ASSERT_TRUE(phase);
  FlowContext flow{7, true, true, {3, 3}, {100, 100}, &pool_, &handle_};
  flow.app_proto = "http";
  inspector_->inspectApp(test::clientServerPacket(true), flow, *phase, builder.buffers(), sink_);
  EXPECT_EQ(sink_.sids, Sids{});
  inspector_->inspectApp(test::clientServerPacket(true), flow, *phase, builder.buffers(), sink_,
                         set({AppLayerEvent::HttpMissingHostHeader}));
  EXPECT_EQ(sink_.sids, Sids{3});
}

}  // namespace
}  // namespace mamori
