// DCE/RPC over TCP as the app layer parses it, on the corpus captures that carry it (found
// with `tshark -Y 'dcerpc && tcp && !smb && !smb2'` over ../shared/corpus; DCE/RPC inside SMB
// named pipes is the smb plug-in's): every PDU that ends a call side (a request's or
// response's last fragment, a bind, an alter_context, their acks, a fault) tshark decodes is
// matched with the record mamori wrote in the same frame, by (timestamp in microseconds,
// source port, destination port), and compared field by field: the packet type, call_id, a
// request's opnum, and the interface UUIDs and versions a bind or alter_context offers. A
// call's context id is not compared: it is in no record (Suricata's EVE has none), it is
// what resolves a request's interface. Agreement is printed per field; each must be 100%:
// this is the whole of these captures. Every EVE object has only the members Suricata's EVE
// schema gives `dcerpc`, of its types, nested objects and arrays included.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdio>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "applayer/app_parsers.h"
#include "tests/applayer/capture_run.h"
#include "tests/applayer/field_agreement.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

using Key = test::MessageKey;
using Message = test::MessageFields;

const char* const kFields[] = {"pkt_type", "call_id", "opnum", "uuid", "if_version"};

const char* const kCaptures[] = {
    "suricata-verify/dcerpc/dcerpc-dce-iface-many/input.pcap",
    "suricata-verify/dcerpc/dcerpc-dcepayload/input.pcap",
    "ndpi/kerberos.pcap",  // an Active Directory replication (drsuapi) association, its start not captured
};

const std::map<std::string, std::string> kTypeNumbers = {
    {"REQUEST", "0"},       {"RESPONSE", "2"},       {"FAULT", "3"},
    {"BIND", "11"},         {"BINDACK", "12"},       {"BINDNAK", "13"},
    {"ALTER_CONTEXT", "14"}, {"ALTER_CONTEXT_RESP", "15"},
};

// Our records of a frame, merged into one message in PDU order.
class DcerpcRecords final : public AppEventListener {
 public:
  void onAppEvent(Flow&, const AppRecord& r) override {
    const auto* tx = std::get_if<ProtocolTransaction>(&r.body);
    if (!tx || std::string_view(tx->protocol) != "dcerpc") return;
    ++records;
    objects.push_back(tx->eve);
    rapidjson::Document eve;
    eve.Parse(tx->eve.c_str());
    ASSERT_TRUE(eve.IsObject()) << tx->eve;
    const bool client = r.dir == Direction::ToServer;
    const std::string type = eve[client ? "request" : "response"].GetString();
    if (type == "UNREPLIED") return;  // written at the flow's end, no PDU of its own
    auto& frame = messages[Key{r.ts, r.src_port, r.dest_port}];
    if (frame.empty()) frame.emplace_back();
    Message& m = frame.back();
    m["pkt_type"].push_back(kTypeNumbers.at(type));
    m["call_id"].push_back(std::to_string(eve["call_id"].GetUint()));
    if (client && eve.HasMember("req")) m["opnum"].push_back(std::to_string(eve["req"]["opnum"].GetUint()));
    if (client && type != "REQUEST" && eve.HasMember("interfaces")) {
      for (const auto& i : eve["interfaces"].GetArray()) {
        m["uuid"].emplace_back(i["uuid"].GetString());
        const std::string version = i["version"].GetString();
        m["if_version"].push_back(version.substr(0, version.find('.')));
      }
    }
  }
  std::map<Key, std::deque<Message>> messages;
  uint64_t records = 0;
  std::vector<std::string> objects;  // EVE
};

// `value` is what `schema` (a JSON schema node: type, properties, items) allows.
void expectAllowed(const rapidjson::Value& schema, const rapidjson::Value& value, const std::string& where) {
  const std::string type = schema["type"].GetString();
  if (type == "string" || type == "integer") {
    EXPECT_TRUE(type == "string" ? value.IsString() : value.IsUint64()) << where << " is not a " << type;
    return;
  }
  if (type == "array") {
    ASSERT_TRUE(value.IsArray()) << where;
    for (const auto& item : value.GetArray()) expectAllowed(schema["items"], item, where + "[]");
    return;
  }
  ASSERT_EQ(type, "object") << where;
  ASSERT_TRUE(value.IsObject()) << where;
  for (const auto& m : value.GetObject()) {
    const std::string name = where + "." + m.name.GetString();
    ASSERT_TRUE(schema["properties"].HasMember(m.name)) << name << " is not in the schema";
    expectAllowed(schema["properties"][m.name], m.value, name);
  }
}

void expectSchemaDcerpc(const std::vector<std::string>& objects) {
  rapidjson::Document schema;
  const std::string text = test::readFile(test::sharedDir() + "/schema/suricata-eve-schema.json");
  schema.Parse(text.c_str());
  ASSERT_FALSE(schema.HasParseError());
  for (const std::string& object : objects) {
    rapidjson::Document doc;
    doc.Parse(object.c_str());
    expectAllowed(schema["properties"]["dcerpc"], doc, "dcerpc");
  }
}

std::map<Key, std::deque<Message>> tsharkMessages(const std::string& pcap) {
  std::map<Key, std::deque<Message>> out;
  const auto frames = test::tsharkFrames(pcap, "dcerpc && tcp && !smb && !smb2",
                                         {"dcerpc.pkt_type", "dcerpc.cn_call_id", "dcerpc.cn_flags", "dcerpc.opnum",
                                          "dcerpc.cn_bind_to_uuid", "dcerpc.cn_bind_if_ver"});
  for (const auto& [key, f] : frames) {
    Message m;
    bool requests_only = true;
    for (size_t i = 0; i < f[0].size() && i < f[1].size() && i < f[2].size(); ++i) {
      const std::string& type = f[0][i];
      requests_only = requests_only && type == "0";
      const bool call = type == "0" || type == "2";
      if (call && !(std::stoul(f[2][i], nullptr, 16) & 0x02)) continue;  // not the call's last fragment
      m["pkt_type"].push_back(type);
      m["call_id"].push_back(f[1][i]);
    }
    // tshark lists the opnum of responses too (from their request): compared where each is a request's.
    if (requests_only && !f[3].empty()) m["opnum"] = f[3];
    if (!f[4].empty()) m["uuid"] = f[4];
    if (!f[5].empty()) m["if_version"] = f[5];
    if (!m.empty()) out[key].push_back(std::move(m));
  }
  return out;
}

// The reassembler hands on what follows a hole in a stream only when it stops waiting for
// it (at the flow's end, here): such records carry that time, not their frame's. Each is
// matched to the frame tshark saw with the same ports and call_ids; how many, printed.
uint64_t matchLateRecords(const std::map<Key, std::deque<Message>>& theirs, std::map<Key, std::deque<Message>>& ours) {
  const auto call_ids = [](const Message& m) {
    const auto it = m.find("call_id");
    return it == m.end() ? std::vector<std::string>{} : it->second;
  };
  uint64_t late = 0;
  for (const auto& [key, messages] : theirs) {
    if (ours.contains(key)) continue;
    for (auto it = ours.begin(); it != ours.end(); ++it) {
      const auto& [ts, sport, dport] = it->first;
      if (theirs.contains(it->first) || sport != std::get<1>(key) || dport != std::get<2>(key) || it->second.empty() ||
          call_ids(it->second.front()) != call_ids(messages.front())) {
        continue;
      }
      ours[key].push_back(it->second.front());
      it->second.pop_front();
      ++late;
      break;
    }
  }
  return late;
}

TEST(DcerpcCorpus, FieldsAgreeWithTshark) {
  MAMORI_REQUIRE_SHARED();
  test::FieldAgreement agreement;
  uint64_t frames = 0, unmatched_ours = 0, late = 0;
  std::vector<std::string> objects;
  for (const char* capture : kCaptures) {
    const std::string pcap = test::sharedDir() + "/corpus/" + capture;
    AppParsers parsers(AppParsers::Config{}, nullptr);
    DcerpcRecords ours;
    parsers.addListener(&ours);
    ASSERT_NO_FATAL_FAILURE(test::runCapture(pcap, parsers));
    const auto theirs = tsharkMessages(pcap);
    late += matchLateRecords(theirs, ours.messages);
    frames += agreement.compare(capture, theirs, ours.messages, kFields,
                                [](const std::string&, const Message&, const auto& a, const auto& b) { return a == b; });
    unmatched_ours += test::FieldAgreement::unmatched(ours.messages);
    objects.insert(objects.end(), ours.objects.begin(), ours.objects.end());
    parsers.publish();
    for (const ProtocolCounters& p : parsers.published().protocols) {
      if (p.name != "dcerpc") continue;
      std::printf("%-58s dcerpc records %llu, transactions %llu, malformed %llu\n", capture,
                  static_cast<unsigned long long>(ours.records), static_cast<unsigned long long>(p.transactions),
                  static_cast<unsigned long long>(p.malformed));
    }
  }
  std::printf("%llu DCE/RPC frames (tshark), %llu of them reported after a hole; %llu frames only mamori saw\n",
              static_cast<unsigned long long>(frames), static_cast<unsigned long long>(late),
              static_cast<unsigned long long>(unmatched_ours));
  ASSERT_GE(frames, 20u);
  agreement.expectAtLeast(kFields, 100.0);
  EXPECT_EQ(unmatched_ours, 0u);
  expectSchemaDcerpc(objects);
}

}  // namespace
}  // namespace mamori
