#include "applayer/mqtt_protocol.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "tests/applayer/eve_schema_check.h"
#include "tests/applayer/protocol_records.h"

namespace mamori {
namespace {

using Bytes = std::vector<uint8_t>;
using Records = test::ProtocolRecords;

// A control packet: first byte, the remaining length as a variable byte integer, the body.
Bytes packet(uint8_t first, const Bytes& body) {
  Bytes b{first};
  size_t n = body.size();
  do {
    uint8_t digit = n % 128;
    n /= 128;
    if (n > 0) digit |= 0x80;
    b.push_back(digit);
  } while (n > 0);
  b.insert(b.end(), body.begin(), body.end());
  return b;
}

void str(Bytes& b, const std::string& s) {
  b.push_back(static_cast<uint8_t>(s.size() >> 8));
  b.push_back(static_cast<uint8_t>(s.size()));
  b.insert(b.end(), s.begin(), s.end());
}

Bytes connect(uint8_t version, uint8_t flags, const std::string& client, const std::vector<std::string>& extra = {}) {
  Bytes body;
  str(body, version == 3 ? "MQIsdp" : "MQTT");
  body.push_back(version);
  body.push_back(flags);
  body.push_back(0);
  body.push_back(60);
  if (version == 5) body.push_back(0);  // no properties
  str(body, client);
  for (const std::string& s : extra) str(body, s);
  return packet(0x10, body);
}

Bytes publish(uint8_t qos, const std::string& topic, uint16_t id, const std::string& message, bool v5 = false) {
  Bytes body;
  str(body, topic);
  if (qos > 0) {
    body.push_back(static_cast<uint8_t>(id >> 8));
    body.push_back(static_cast<uint8_t>(id));
  }
  if (v5) {
    body.push_back(3);  // properties: payload format indicator 1, and one more byte of them
    body.insert(body.end(), {0x01, 0x01, 0x00});
  }
  body.insert(body.end(), message.begin(), message.end());
  return packet(static_cast<uint8_t>(0x30 | qos << 1), body);
}

Bytes ack(uint8_t first, uint16_t id) { return packet(first, {static_cast<uint8_t>(id >> 8), static_cast<uint8_t>(id)}); }

void feed(AppProtocolParser& p, Direction dir, const Bytes& b, ProtocolSink& sink) { p.onData(dir, b.data(), b.size(), sink); }

std::unique_ptr<AppProtocolParser> parser(size_t max = MqttProtocol::kDefaultMaxMessage) {
  return MqttProtocol(max).newParser(AppProtocol::kTcp, nullptr);
}

TEST(MqttProtocol, AConnectAndItsConnackAreOneTransaction) {
  auto p = parser();
  Records r;
  // username, password and will with its topic and message
  feed(*p, Direction::ToServer, connect(4, 0xc6, "sensor-7", {"will/t", "gone", "alice", "s3cret"}), r);
  ASSERT_EQ(r.dirs.size(), 1u);
  EXPECT_FALSE(r.logged[0]) << "waits for its CONNACK";
  EXPECT_EQ(r.values(0, "mqtt.connect.clientid"), std::vector<std::string>{"sensor-7"});
  EXPECT_EQ(r.values(0, "mqtt.connect.username"), std::vector<std::string>{"alice"});
  EXPECT_EQ(r.values(0, "mqtt.connect.password"), std::vector<std::string>{"s3cret"});
  EXPECT_EQ(r.values(0, "mqtt.connect.willtopic"), std::vector<std::string>{"will/t"});
  EXPECT_EQ(r.values(0, "mqtt.connect.willmessage"), std::vector<std::string>{"gone"});
  EXPECT_EQ(r.values(0, "mqtt.connect.protocol_string"), std::vector<std::string>{"MQTT"});
  EXPECT_EQ(r.values(0, "mqtt.connect.flags"), std::vector<std::string>{test::be32(0xc6)});
  EXPECT_EQ(r.values(0, "mqtt.protocol_version"), std::vector<std::string>{test::be32(4)});
  EXPECT_EQ(r.values(0, "mqtt.type"), std::vector<std::string>{test::be32(1)});

  feed(*p, Direction::ToClient, packet(0x20, {0x01, 0x00}), r);
  ASSERT_EQ(r.dirs.size(), 2u);
  EXPECT_TRUE(r.logged[1]);
  EXPECT_EQ(r.ids[1], r.ids[0]);
  EXPECT_EQ(r.values(1, "mqtt.connack.session_present"), std::vector<std::string>{test::be32(1)});
  EXPECT_EQ(r.values(1, "mqtt.reason_code"), std::vector<std::string>{test::be32(0)});
  const rapidjson::Document eve = r.json(1);
  ASSERT_TRUE(eve.IsObject()) << r.eve[1];
  EXPECT_STREQ(eve["connect"]["client_id"].GetString(), "sensor-7");
  EXPECT_EQ(eve["connect"]["protocol_version"].GetUint(), 4u);
  EXPECT_TRUE(eve["connect"]["flags"]["will"].GetBool());
  EXPECT_TRUE(eve["connect"]["flags"]["clean_session"].GetBool());
  EXPECT_FALSE(eve["connect"]["flags"]["will_retain"].GetBool());
  EXPECT_STREQ(eve["connect"]["will"]["topic"].GetString(), "will/t");
  EXPECT_FALSE(eve["connect"].HasMember("password")) << "Suricata logs no password by default";
  EXPECT_TRUE(eve["connack"]["session_present"].GetBool());
  EXPECT_EQ(eve["connack"]["return_code"].GetUint(), 0u);
  test::expectEveObjectsMatchSchema("mqtt", {r.eve[1]});
}

TEST(MqttProtocol, PublishesPairWithTheirAcknowledgementsByMessageId) {
  auto p = parser();
  Records r;
  feed(*p, Direction::ToServer, connect(4, 0x02, "c"), r);
  feed(*p, Direction::ToClient, packet(0x20, {0x00, 0x00}), r);
  feed(*p, Direction::ToServer, publish(0, "a/b", 0, "fire and forget"), r);
  ASSERT_EQ(r.dirs.size(), 3u);
  EXPECT_TRUE(r.logged[2]) << "QoS 0 waits for nothing";
  EXPECT_EQ(r.values(2, "mqtt.publish.topic"), std::vector<std::string>{"a/b"});
  EXPECT_EQ(r.values(2, "mqtt.publish.message"), std::vector<std::string>{"fire and forget"});
  EXPECT_TRUE(r.events[2].none());

  feed(*p, Direction::ToServer, publish(2, "x", 7, "twice"), r);
  feed(*p, Direction::ToServer, publish(1, "y", 8, "once"), r);
  feed(*p, Direction::ToClient, ack(0x50, 7), r);  // PUBREC
  feed(*p, Direction::ToClient, ack(0x40, 8), r);  // PUBACK
  feed(*p, Direction::ToServer, ack(0x62, 7), r);  // PUBREL
  feed(*p, Direction::ToClient, ack(0x70, 7), r);  // PUBCOMP
  ASSERT_EQ(r.dirs.size(), 9u);
  EXPECT_EQ(r.ids[5], r.ids[3]);
  EXPECT_FALSE(r.logged[5]) << "PUBREC does not end a QoS 2 exchange";
  EXPECT_EQ(r.ids[6], r.ids[4]);
  EXPECT_TRUE(r.logged[6]);
  EXPECT_EQ(r.ids[8], r.ids[3]);
  EXPECT_TRUE(r.logged[8]);
  const rapidjson::Document eve = r.json(8);
  for (const char* key : {"publish", "pubrec", "pubrel", "pubcomp"}) EXPECT_TRUE(eve.HasMember(key)) << key;
  EXPECT_EQ(eve["publish"]["message_id"].GetUint(), 7u);
  EXPECT_EQ(eve["publish"]["qos"].GetUint(), 2u);
  test::expectEveObjectsMatchSchema("mqtt", {r.eve[2], r.eve[6], r.eve[8]});
}

TEST(MqttProtocol, SubscriptionsCarryEveryTopic) {
  auto p = parser();
  Records r;
  Bytes body{0x00, 0x0a};
  str(body, "t/1");
  body.push_back(1);
  str(body, "t/#");
  body.push_back(0);
  feed(*p, Direction::ToServer, packet(0x82, body), r);
  feed(*p, Direction::ToClient, packet(0x90, {0x00, 0x0a, 0x01, 0x00}), r);
  Bytes unsub{0x00, 0x0b};
  str(unsub, "t/1");
  feed(*p, Direction::ToServer, packet(0xa2, unsub), r);
  feed(*p, Direction::ToClient, ack(0xb0, 0x0b), r);
  ASSERT_EQ(r.dirs.size(), 4u);
  EXPECT_EQ(r.values(0, "mqtt.subscribe.topic"), (std::vector<std::string>{"t/1", "t/#"}));
  EXPECT_TRUE(raised(r.events[1], AppLayerEvent::MqttUnintroducedMessage)) << "no CONNECT came first";
  const rapidjson::Document eve = r.json(1);
  EXPECT_STREQ(eve["subscribe"]["topics"][1]["topic"].GetString(), "t/#");
  EXPECT_EQ(eve["suback"]["qos_granted"][0].GetUint(), 1u);
  EXPECT_EQ(r.values(2, "mqtt.unsubscribe.topic"), std::vector<std::string>{"t/1"});
  EXPECT_TRUE(r.logged[3]);
  test::expectEveObjectsMatchSchema("mqtt", {r.eve[1], r.eve[3]});
}

TEST(MqttProtocol, Version5ReadsPropertiesAndReasonCodes) {
  auto p = parser();
  Records r;
  feed(*p, Direction::ToServer, connect(5, 0x02, "v5"), r);
  feed(*p, Direction::ToClient, packet(0x20, {0x00, 0x00, 0x00}), r);
  feed(*p, Direction::ToServer, publish(1, "p", 3, "body", true), r);
  feed(*p, Direction::ToClient, packet(0x40, {0x00, 0x03, 0x10, 0x00}), r);  // PUBACK: no matching subscribers
  feed(*p, Direction::ToServer, packet(0xe0, {0x04, 0x00}), r);  // DISCONNECT with will message
  ASSERT_EQ(r.dirs.size(), 5u);
  EXPECT_EQ(r.values(2, "mqtt.publish.message"), std::vector<std::string>{"body"}) << "properties stepped over";
  EXPECT_EQ(r.values(3, "mqtt.reason_code"), std::vector<std::string>{test::be32(0x10)});
  EXPECT_EQ(r.values(4, "mqtt.reason_code"), std::vector<std::string>{test::be32(4)});
  EXPECT_EQ(r.values(4, "mqtt.protocol_version"), std::vector<std::string>{test::be32(5)});
  EXPECT_EQ(r.json(3)["puback"]["reason_code"].GetUint(), 0x10u);
  EXPECT_EQ(r.bad, 0);
}

TEST(MqttProtocol, RaisesSuricatasEventsOnOutOfOrderPackets) {
  auto p = parser();
  Records r;
  feed(*p, Direction::ToClient, packet(0x20, {0x00, 0x00}), r);       // CONNACK with no CONNECT
  feed(*p, Direction::ToClient, ack(0x40, 99), r);                   // PUBACK for nothing
  feed(*p, Direction::ToClient, ack(0x90, 5), r);                    // SUBACK for nothing
  feed(*p, Direction::ToClient, ack(0xb0, 5), r);                    // UNSUBACK for nothing
  feed(*p, Direction::ToServer, connect(4, 0x02, "a"), r);
  feed(*p, Direction::ToServer, connect(4, 0x02, "b"), r);
  feed(*p, Direction::ToServer, packet(0x36, {0x00, 0x01, 'x', 0x00, 0x01}), r);  // QoS 3
  feed(*p, Direction::ToServer, packet(0x00, {}), r);                // type 0
  ASSERT_EQ(r.dirs.size(), 8u);
  EXPECT_TRUE(raised(r.events[0], AppLayerEvent::MqttMissingConnect));
  EXPECT_TRUE(raised(r.events[1], AppLayerEvent::MqttMissingPublish));
  EXPECT_TRUE(raised(r.events[2], AppLayerEvent::MqttMissingSubscribe));
  EXPECT_TRUE(raised(r.events[3], AppLayerEvent::MqttMissingUnsubscribe));
  EXPECT_FALSE(raised(r.events[4], AppLayerEvent::MqttDoubleConnect)) << "the CONNACK seen earlier matched no CONNECT";
  EXPECT_TRUE(raised(r.events[6], AppLayerEvent::MqttInvalidQosLevel));
  EXPECT_TRUE(raised(r.events[7], AppLayerEvent::MqttUnassignedMsgType));

  feed(*p, Direction::ToClient, packet(0x20, {0x00, 0x00}), r);
  feed(*p, Direction::ToServer, connect(4, 0x02, "c"), r);
  EXPECT_TRUE(raised(r.events.back(), AppLayerEvent::MqttDoubleConnect));
}

TEST(MqttProtocol, MalformedBytesEndTheDirectionWithAnEvent) {
  auto p = parser();
  Records r;
  feed(*p, Direction::ToServer, Bytes{0x30, 0xff, 0xff, 0xff, 0xff, 0x01}, r);  // a fifth length byte
  ASSERT_EQ(r.dirs.size(), 1u);
  EXPECT_TRUE(raised(r.events[0], AppLayerEvent::MqttMalformedTraffic));
  EXPECT_EQ(r.bad, 1);
  feed(*p, Direction::ToServer, publish(0, "after", 0, "ignored"), r);
  EXPECT_EQ(r.dirs.size(), 1u);
  feed(*p, Direction::ToClient, packet(0x30, {0x00, 0x09, 'x'}), r);  // a topic longer than its packet
  EXPECT_TRUE(raised(r.events.back(), AppLayerEvent::MqttMalformedTraffic));
}

TEST(MqttProtocol, APacketPastTheBoundIsSteppedOverWhateverTheSegmentation) {
  const std::string big(300, 'B');
  Bytes stream = publish(0, "big", 0, big);
  const Bytes next = publish(0, "small", 0, "ok");
  stream.insert(stream.end(), next.begin(), next.end());
  for (size_t step : {size_t{1}, size_t{7}, stream.size()}) {
    auto p = parser(64);
    Records r;
    for (size_t at = 0; at < stream.size(); at += step) {
      p->onData(Direction::ToServer, stream.data() + at, std::min(step, stream.size() - at), r);
    }
    ASSERT_EQ(r.dirs.size(), 2u) << "step " << step;
    const rapidjson::Document eve = r.json(0);
    EXPECT_TRUE(eve["publish"]["truncated"].GetBool());
    EXPECT_EQ(eve["publish"]["skipped_length"].GetUint(), stream.size() - next.size());
    EXPECT_TRUE(r.values(0, "mqtt.publish.topic").empty());
    EXPECT_EQ(r.values(1, "mqtt.publish.message"), std::vector<std::string>{"ok"});
    test::expectEveObjectsMatchSchema("mqtt", {r.eve[0]});
  }
}

TEST(MqttProtocol, OpenTransactionsAreBoundedAndWrittenAtTheEnd) {
  auto p = parser();
  Records r;
  for (uint16_t id = 1; id <= MqttProtocol::kMaxOpen + 1; ++id) feed(*p, Direction::ToServer, publish(1, "q", id, "m"), r);
  size_t logged = 0;
  for (size_t i = 0; i < r.logged.size(); ++i) {
    if (!r.logged[i]) continue;
    ++logged;
    EXPECT_EQ(r.ids[i], 0u) << "the oldest was written to make room";
    EXPECT_TRUE(raised(r.events[i], AppLayerEvent::MqttTooManyTransactions));
  }
  EXPECT_EQ(logged, 1u);
  p->onEnd(r);
  logged = 0;
  for (bool l : r.logged) logged += l;
  EXPECT_EQ(logged, MqttProtocol::kMaxOpen + 1);
}

TEST(MqttProtocol, ProbesAFixedHeader) {
  const MqttProtocol mqtt;
  const Bytes c = connect(4, 0x02, "x");
  EXPECT_EQ(mqtt.probe(AppProtocol::kTcp, Direction::ToServer, c.data(), c.size()), ProbeResult::Match);
  const Bytes get{'G', 'E', 'T', ' '};
  EXPECT_EQ(mqtt.probe(AppProtocol::kTcp, Direction::ToServer, get.data(), get.size()), ProbeResult::NoMatch);
  EXPECT_EQ(mqtt.probe(AppProtocol::kTcp, Direction::ToServer, c.data(), 1), ProbeResult::Unsure);
  EXPECT_TRUE(mqtt.probesUsualPortsOnly());
}

}  // namespace
}  // namespace mamori
