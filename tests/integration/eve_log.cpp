#include "tests/integration/eve_log.h"

#include <ctime>
#include <filesystem>
#include <fstream>

#include "tests/support/test_support.h"

namespace mamori::test {

EveLog EveLog::load(const std::string& path) {
  EveLog log;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    auto doc = std::make_unique<rapidjson::Document>();
    doc->Parse(line.c_str(), line.size());
    if (doc->HasParseError() || !doc->IsObject()) {
      ++log.bad_lines_;
      continue;
    }
    log.records_.push_back(std::move(doc));
  }
  return log;
}

std::vector<const rapidjson::Value*> EveLog::ofType(const std::string& event_type) const {
  std::vector<const rapidjson::Value*> out;
  for (const auto& r : records_) {
    auto it = r->FindMember("event_type");
    if (it != r->MemberEnd() && it->value.IsString() && event_type == it->value.GetString()) out.push_back(r.get());
  }
  return out;
}

const rapidjson::Value* EveLog::lastStats() const {
  auto all = ofType("stats");
  return all.empty() ? nullptr : all.back();
}

namespace {
const rapidjson::Value* at(const rapidjson::Value& v, const std::string& dotted) {
  const rapidjson::Value* cur = &v;
  size_t start = 0;
  while (start <= dotted.size()) {
    size_t dot = dotted.find('.', start);
    std::string part = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur->IsObject()) return nullptr;
    auto it = cur->FindMember(part.c_str());
    if (it == cur->MemberEnd()) return nullptr;
    cur = &it->value;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return cur;
}
}  // namespace

int64_t EveLog::number(const rapidjson::Value& v, const std::string& dotted) {
  const auto* x = at(v, dotted);
  return (x && x->IsNumber()) ? x->GetInt64() : -1;
}

std::string EveLog::string(const rapidjson::Value& v, const std::string& dotted) {
  const auto* x = at(v, dotted);
  return (x && x->IsString()) ? x->GetString() : "";
}

std::vector<std::string> EveLog::strings(const rapidjson::Value& v, const std::string& dotted) {
  std::vector<std::string> out;
  const auto* x = at(v, dotted);
  if (!x || !x->IsArray()) return out;
  for (const auto& item : x->GetArray()) {
    if (item.IsString()) out.emplace_back(item.GetString());
  }
  return out;
}

int64_t EveLog::parseTime(const std::string& ts) {
  std::tm tm{};
  strptime(ts.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  return int64_t(timegm(&tm)) * 1000000 + std::stoll(ts.substr(20, 6));
}

int runMamori(const std::string& pcap, const std::string& eve_path, const std::string& extra, std::string* output) {
  std::filesystem::remove(eve_path);  // mamori appends to an EVE file, as Suricata does
  std::string cmd = mamoriBinary() + " run --pcap '" + pcap + "' --eve '" + eve_path + "' --no-summary " + extra + " 2>&1";
  auto r = run(cmd);
  if (output) *output = r.out;
  return r.exit_code;
}

}  // namespace mamori::test
