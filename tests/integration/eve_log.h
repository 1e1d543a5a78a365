#pragma once
// Reads an EVE JSON file a test run wrote, one record a line.
#include <rapidjson/document.h>

#include <memory>
#include <string>
#include <vector>

namespace mamori::test {

class EveLog {
 public:
  static EveLog load(const std::string& path);

  std::vector<const rapidjson::Value*> ofType(const std::string& event_type) const;
  // The final stats record; nullptr when there is none.
  const rapidjson::Value* lastStats() const;
  // A number under a dotted path ("stats.decoder.pkts"); -1 when absent.
  static int64_t number(const rapidjson::Value& v, const std::string& dotted);
  static std::string string(const rapidjson::Value& v, const std::string& dotted);
  // An array of strings under a dotted path; empty when absent.
  static std::vector<std::string> strings(const rapidjson::Value& v, const std::string& dotted);
  // "2016-03-07T10:48:39.135427+0000" -> microseconds since the epoch.
  static int64_t parseTime(const std::string& eve_timestamp);
  size_t size() const { return records_.size(); }
  size_t badLines() const { return bad_lines_; }

 private:
  std::vector<std::unique_ptr<rapidjson::Document>> records_;
  size_t bad_lines_ = 0;
};

// Runs `mamori run --pcap FILE` with extra arguments, EVE into `eve_path`; returns the exit code.
int runMamori(const std::string& pcap, const std::string& eve_path, const std::string& extra = "",
              std::string* output = nullptr);

}  // namespace mamori::test
