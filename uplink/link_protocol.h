#pragma once
// The sensor <-> central link and the rule author's requests, over ZeroMQ with CURVE:
// sensors and authors connect DEALER sockets to the central's ROUTER. Every message is a
// command frame followed by the command's frames (the ROUTER adds the peer's routing id in
// front). Control messages carry one JSON object; records travel as the EVE lines the
// sensor wrote, one frame each. Who sent a message is never taken from the message: the
// central reads the ZAP User-Id ("sensor:NAME", "author:NAME") libzmq attaches to it.
//
//   sensor -> central
//     HELLO        {protocol, sensor, stream, rules_version, last_seq}   last_seq: the
//                  spool's last number; below what the central holds when a crash cut the
//                  spool (no fsync), and the central then takes those numbers again
//     RECORDS      u64 first sequence | u32 count (little-endian), then one frame packing the
//                  records, each u8 EventKind | u32 length | the EVE JSON (one frame a batch:
//                  CURVE encrypts frame by frame)
//     PING                                      (idle: keeps the link known alive)
//     RULE_RESULT  {version, result: ok|refused, rules_loaded, build_seconds, errors: [..]}
//   central -> sensor
//     WELCOME      {central, acked}              acked: last sequence of this stream it holds
//     REFUSED      {reason}                      the link is not accepted (name, protocol)
//     ACK          u64 sequence                  holds everything of the stream up to it
//     PONG         u64 acked
//     WHO                                        a link it does not know: send HELLO again
//     RULESET      {version, comment}, then per file a name frame and a text frame
//   author -> central
//     PUSH         {comment}, then per file a name frame and a text frame
//     ROLLBACK     {version, comment}
//     STATUS
//   central -> author
//     PUSH_REFUSED {errors: [..]}                nothing was sent to any sensor
//     PUSH_ACCEPTED {version, sensors: [..], offline: [..]}
//     PUSH_RESULT  {sensor, version, result, rules_loaded, build_seconds, errors: [..]}
//     STATUS_REPLY {current, versions: [..], sensors: [{name, connected, rules_version, last_seen_s, ...}]}
//     ERROR        {reason}                      a request it could not read
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <zmq.hpp>

#include "alerting/event_output.h"
#include "uplink/rule_set_package.h"

namespace mamori::link {

constexpr int kProtocol = 1;

// The largest frame either side accepts (ZMQ_MAXMSGSIZE): one rule file with room to spare
// (ET Open's largest is under 4 MB).
constexpr int64_t kMaxFrameBytes = int64_t{16} << 20;
// A whole message: a pushed rule set's files, or a batch of records, with room to spare.
constexpr size_t kMaxMessageFrames = 4096;
constexpr size_t kMaxMessageBytes = size_t{64} << 20;
// The largest EVE record a sensor sends; longer ones are not sent (counted).
constexpr size_t kMaxRecordBytes = size_t{1} << 20;

namespace cmd {
inline constexpr std::string_view kHello = "HELLO", kRecords = "RECORDS", kPing = "PING", kRuleResult = "RULE_RESULT",
                                  kWelcome = "WELCOME", kRefused = "REFUSED", kAck = "ACK", kPong = "PONG",
                                  kWho = "WHO", kRuleSet = "RULESET", kPush = "PUSH", kRollback = "ROLLBACK",
                                  kStatus = "STATUS", kPushRefused = "PUSH_REFUSED", kPushAccepted = "PUSH_ACCEPTED",
                                  kPushResult = "PUSH_RESULT", kStatusReply = "STATUS_REPLY", kError = "ERROR";
}  // namespace cmd

using Frames = std::vector<zmq::message_t>;

// Sends `frames` as one message; false when the socket would block (non-blocking sends).
bool send(zmq::socket_t& socket, Frames& frames);
// Receives one whole message without waiting; nullopt when none is there. A message over
// kMaxMessageFrames or kMaxMessageBytes is read to its end and dropped: it comes back empty.
std::optional<Frames> receive(zmq::socket_t& socket);

zmq::message_t frame(std::string_view text);
zmq::message_t u64Frame(uint64_t value);
std::optional<uint64_t> readU64(const zmq::message_t& frame);
std::string_view view(const zmq::message_t& frame);

// A JSON object frame, parsed; nullopt when the frame is not a JSON object.
std::optional<rapidjson::Document> readJson(const zmq::message_t& frame);
std::string jsonString(const rapidjson::Value& object, const char* name);  // "" when absent or not a string
uint64_t jsonUint(const rapidjson::Value& object, const char* name);       // 0 when absent or not a number
double jsonDouble(const rapidjson::Value& object, const char* name);
std::vector<std::string> jsonStrings(const rapidjson::Value& object, const char* name);

// The records header of a RECORDS message.
struct RecordsHeader {
  uint64_t first_seq = 0;
  uint32_t count = 0;
};
zmq::message_t recordsHeader(uint64_t first_seq, uint32_t count);
std::optional<RecordsHeader> readRecordsHeader(const zmq::message_t& frame);
// A record of a RECORDS message; `kind` unset for a kind byte this side does not know.
struct PackedRecord {
  std::optional<EventKind> kind;
  std::string_view json;
};
zmq::message_t packRecords(const std::vector<PackedRecord>& records);
// The records of a packed frame, viewing into it; false when the frame does not hold
// exactly `count` well-formed records.
bool unpackRecords(const zmq::message_t& frame, uint32_t count, std::vector<PackedRecord>& out);

// A package's files as (name, text) frames appended to `frames`, and back from frames[at..].
void appendFiles(Frames& frames, const RuleSetPackage& package);
// nullopt when the frames are not name/text pairs; validate() the result before use.
std::optional<std::vector<RuleSetFile>> readFiles(const Frames& frames, size_t at);

// Builds one JSON object frame; writer() writes nested values after a key().
class JsonFrame {
 public:
  JsonFrame() { w_.StartObject(); }
  JsonFrame& str(const char* key, std::string_view value);
  JsonFrame& num(const char* key, uint64_t value);
  JsonFrame& real(const char* key, double value);
  JsonFrame& flag(const char* key, bool value);
  JsonFrame& strings(const char* key, const std::vector<std::string>& values);
  rapidjson::Writer<rapidjson::StringBuffer>& writer() { return w_; }
  zmq::message_t done();

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> w_{buffer_};
};

// An error list as JSON (RULE_RESULT, PUSH_REFUSED, PUSH_RESULT), capped at `max` entries
// with a last line saying how many more there were.
void writeErrors(rapidjson::Writer<rapidjson::StringBuffer>& w, const std::vector<std::string>& errors,
                 size_t max = 1000);

}  // namespace mamori::link
