#include "applayer/ssh_banner_reader.h"

#include <string_view>

namespace mamori {

SshBannerReader::State SshBannerReader::feed(const uint8_t* data, size_t len, SshBanner& banner) {
  for (size_t i = 0; i < len && state_ == State::Reading; ++i) {
    const char c = static_cast<char>(data[i]);
    if (c == '\n') {
      finishLine(banner);
      continue;
    }
    if (line_.size() >= kMaxLine) {
      state_ = State::NotSsh;
      long_banner_ = line_.starts_with("SSH-");
      break;
    }
    line_.push_back(c);
  }
  return state_;
}

void SshBannerReader::finishLine(SshBanner& banner) {
  std::string_view line = line_;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (!line.starts_with("SSH-")) {
    // Only a server's preamble comes before the banner; it never starts with "SSH-".
    skipped_ += line_.size() + 1;
    line_.clear();
    if (skipped_ > kMaxPreamble) state_ = State::NotSsh;
    return;
  }
  line.remove_prefix(4);
  const size_t dash = line.find('-');
  if (dash == std::string_view::npos || dash == 0) {
    state_ = State::NotSsh;
    return;
  }
  banner.seen = true;
  banner.proto.assign(line.substr(0, dash));
  const std::string_view rest = line.substr(dash + 1);
  banner.software.assign(rest.substr(0, rest.find(' ')));
  state_ = State::Done;
}

}  // namespace mamori
