#include "alerting/eve_incident_reader.h"

#include <string>
#include <utility>
#include <vector>

#include "correlate/eve_time.h"

namespace mamori {
namespace {

const rapidjson::Value* member(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

bool readText(const rapidjson::Value& v, std::string& out) {
  if (!v.IsString()) return false;
  out.assign(v.GetString(), v.GetStringLength());
  return true;
}

bool readAddress(const rapidjson::Value& v, IpAddress& out) {
  return v.IsString() && IpAddress::parse(std::string(v.GetString(), v.GetStringLength()), out);
}

bool readTime(const rapidjson::Value& v, TimeUs& out) {
  if (!v.IsString()) return false;
  const std::optional<TimeUs> ts = parseEveTime({v.GetString(), v.GetStringLength()});
  if (ts) out = *ts;
  return ts.has_value();
}

// One list; a missing one stays empty.
template <typename T, typename Convert>
bool readList(const rapidjson::Value& object, const char* name, std::vector<T>& out, Convert convert) {
  out.clear();
  const rapidjson::Value* list = member(object, name);
  if (!list) return true;
  if (!list->IsArray()) return false;
  out.reserve(list->Size());
  for (const auto& v : list->GetArray()) {
    T item{};
    if (!convert(v, item)) return false;
    out.push_back(std::move(item));
  }
  return true;
}

}  // namespace

bool readIncidentLists(const rapidjson::Value& object, Incident& inc) {
  auto port = [](const rapidjson::Value& v, uint16_t& out) {
    if (!v.IsUint() || v.GetUint() > 65535) return false;
    out = static_cast<uint16_t>(v.GetUint());
    return true;
  };
  auto sid = [](const rapidjson::Value& v, uint32_t& out) {
    if (!v.IsUint()) return false;
    out = v.GetUint();
    return true;
  };
  auto id = [](const rapidjson::Value& v, uint64_t& out) {
    if (!v.IsUint64()) return false;
    out = v.GetUint64();
    return true;
  };
  return object.IsObject() && readList(object, "targets", inc.targets, readAddress) &&
         readList(object, "dest_ports", inc.dest_ports, port) &&
         readList(object, "signature_ids", inc.signature_ids, sid) &&
         readList(object, "signatures", inc.signatures, readText) &&
         inc.signatures.size() == inc.signature_ids.size() && readList(object, "flow_ids", inc.flow_ids, id) &&
         readList(object, "alert_ids", inc.alert_ids, id) && readList(object, "domains", inc.domains, readText) &&
         readList(object, "stages", inc.stages, readText) && readList(object, "tactics", inc.tactics, readText) &&
         readList(object, "techniques", inc.techniques, readText) &&
         readList(object, "sensors", inc.sensors, readText);
}

std::optional<Incident> incidentFromEve(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  const rapidjson::Value* type = member(doc, "event_type");
  const rapidjson::Value* record = member(doc, "incident");
  if (!type || !type->IsString() || std::string_view(type->GetString(), type->GetStringLength()) != "incident" ||
      !record || !record->IsObject()) {
    return std::nullopt;
  }
  const rapidjson::Value& r = *record;
  Incident inc;
  if (const rapidjson::Value* host = member(doc, "host"); host && !readText(*host, inc.sensor)) return std::nullopt;

  // What the formatter always writes.
  const rapidjson::Value *id = member(r, "id"), *state = member(r, "state"), *title = member(r, "title"),
                         *severity = member(r, "severity"), *first = member(r, "first_seen"),
                         *last = member(r, "last_seen"), *count = member(r, "alert_count");
  if (!id || !id->IsUint64() || !state || !state->IsString() || !title || !severity || !severity->IsInt() || !first ||
      !last || !count || !count->IsUint64()) {
    return std::nullopt;
  }
  inc.id = id->GetUint64();
  if (!incidentStateFromName({state->GetString(), state->GetStringLength()}, inc.state) || !readText(*title, inc.title) ||
      !readTime(*first, inc.first_seen) || !readTime(*last, inc.last_seen)) {
    return std::nullopt;
  }
  inc.severity = severity->GetInt();
  inc.alert_count = count->GetUint64();
  for (const char* list : {"targets", "dest_ports", "signature_ids", "signatures", "flow_ids", "alert_ids"}) {
    if (!member(r, list)) return std::nullopt;
  }
  if (!readIncidentLists(r, inc)) return std::nullopt;

  // What it writes only when set.
  if (const rapidjson::Value* source = member(r, "source"); source && !readAddress(*source, inc.source)) {
    return std::nullopt;
  }
  if (const rapidjson::Value* rule = member(r, "rule"); rule && !readText(*rule, inc.rule)) return std::nullopt;
  if (const rapidjson::Value* key = member(r, "group_key"); key && !readText(*key, inc.group_key)) return std::nullopt;
  return inc;
}

}  // namespace mamori
