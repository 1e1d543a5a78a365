#pragma once
// EveFollower: `mamori ui --eve FILE` reads an EVE file the way `tail -f` does and hands
// each record to an EventOutput (the console), so a page shows what a sensor or central
// writes to that file while it writes it. At start it reads at most the last `backlog`
// bytes (a month of EVE is not replayed into memory); a file cut shorter (rotated,
// truncated) is read again from its start.
//
// The file is untrusted: lines longer than 1 MiB, and lines that are not a well-formed JSON
// object with a top-level event_type mamori knows, are counted and skipped. One thread of its own.
#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "alerting/event_output.h"

namespace mamori {

class EveFollower {
 public:
  EveFollower(std::string path, EventOutput& out, uint64_t backlog = 64ull << 20);
  ~EveFollower();
  EveFollower(const EveFollower&) = delete;
  EveFollower& operator=(const EveFollower&) = delete;

  // Reads what the file holds now (the start-up backlog), then follows it on its thread.
  void start();
  void stop();

  uint64_t lines() const { return lines_.load(); }
  uint64_t skipped() const { return skipped_.load(); }

 private:
  // Reads from offset_ to the end of the file; false when the file cannot be opened.
  bool readMore();

  std::string path_;
  EventOutput& out_;
  uint64_t backlog_;
  uint64_t offset_ = 0;
  std::string partial_;  // a line not yet ended
  bool skipping_ = false;  // inside an overlong line, until its end
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> lines_{0}, skipped_{0};
};

}  // namespace mamori
