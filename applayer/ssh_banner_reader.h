#pragma once
// SshBannerReader: one direction's identification line, gathered across segments. A
// server may send other lines before its banner (RFC 4253 4.2); they are skipped, within
// the same bound as the banner itself, so a peer that never sends one costs nothing more.
#include <cstddef>
#include <cstdint>
#include <string>

#include "applayer/ssh_session.h"

namespace mamori {

class SshBannerReader {
 public:
  enum class State : uint8_t { Reading, Done, NotSsh };

  // Feeds the direction's next stream bytes; fills `banner` when the line completes.
  State feed(const uint8_t* data, size_t len, SshBanner& banner);
  State state() const { return state_; }
  // Gave up on a line that started as a banner ("SSH-") but ran past kMaxLine.
  bool longBanner() const { return long_banner_; }

  // RFC 4253: the identification line is at most 255 bytes with its CR LF.
  static constexpr size_t kMaxLine = 255;

 private:
  // Lines a server may send before its banner, in bytes all together.
  static constexpr size_t kMaxPreamble = 4096;

  void finishLine(SshBanner& banner);

  State state_ = State::Reading;
  std::string line_;
  size_t skipped_ = 0;
  bool long_banner_ = false;
};

}  // namespace mamori
