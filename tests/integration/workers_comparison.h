#pragma once
// Runs mamori over one capture with --workers 1 and --workers 2 and compares what an analyst
// sees: flows, application records, alerts and the incidents as they closed.
#include <cstdint>
#include <set>
#include <string>
#include <tuple>

namespace mamori::test {

struct WorkersOutcome {
  int exit_code = -1;
  std::multiset<std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t, std::string, std::string>> flows;
  std::multiset<std::tuple<int64_t, std::string, std::string, std::string>> app_records;
  std::multiset<std::tuple<int64_t, int64_t, std::string, std::string>> alerts;
  std::multiset<std::tuple<int64_t, std::string, int64_t, std::string, std::string, int64_t>> incidents;
};

// `extra` follows the --workers option on mamori's command line.
WorkersOutcome runWithWorkers(const std::string& pcap, int workers, const std::string& extra = "");
// Adds a test failure, naming `pcap`, for every difference between one worker and two.
void expectSameWithOneAndTwoWorkers(const std::string& pcap, const std::string& extra = "");

}  // namespace mamori::test
