#pragma once
// BusGapCounter: counts the records a bus subscriber missed, from the publisher's markers
// (BusPublisher: topic "bus", {"published":{"alert":N,...}}, the records it published so
// far, by topic). Between two markers a subscriber should have received, of each topic it
// subscribed to, the difference of the two counts: what it did not receive, the bus dropped
// for it (its queue was full). Records before the first marker are not checked, since the
// subscriber may have joined late; a count that goes down (the publisher restarted) starts
// over from there. Markers come from the publisher and are read as untrusted: one that does
// not parse counts nothing. Single-threaded (the subscriber's).
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mamori {

class BusGapCounter {
 public:
  // A topic prefix the subscriber subscribed to ("" for all).
  void subscribe(const std::string& prefix);
  // A record of `topic` arrived.
  void received(std::string_view topic);
  // A marker arrived: the records missed since the previous one.
  uint64_t marker(std::string_view json);

  uint64_t missed() const { return missed_; }
  // Whether a marker has come, so that records are being checked.
  bool checking() const { return checking_; }

 private:
  bool wanted(std::string_view topic) const;

  std::vector<std::string> prefixes_;
  std::map<std::string, uint64_t, std::less<>> published_;  // at the last marker
  std::map<std::string, uint64_t, std::less<>> received_;   // since the last marker
  bool checking_ = false;
  uint64_t missed_ = 0;
};

}  // namespace mamori
