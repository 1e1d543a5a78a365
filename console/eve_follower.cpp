#include "console/eve_follower.h"

#include <chrono>
#include <filesystem>
#include <cstring>
#include <fstream>
#include <optional>

namespace mamori {
namespace {

constexpr size_t kMaxLine = 1 << 20;

// The record's event_type, found without parsing the line (the console parses it once):
// `"event_type"`, optional blanks, `:`, optional blanks, the quoted name, as JSON allows.
std::optional<EventKind> kindOf(std::string_view line) {
  static constexpr std::string_view kField = "\"event_type\"";
  const size_t at = line.find(kField);
  if (at == std::string_view::npos) return std::nullopt;
  size_t i = at + kField.size();
  auto blanks = [&] {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  };
  blanks();
  if (i >= line.size() || line[i] != ':') return std::nullopt;
  ++i;
  blanks();
  if (i >= line.size() || line[i] != '"') return std::nullopt;
  const size_t start = i + 1;
  const size_t end = line.find('"', start);
  if (end == std::string_view::npos) return std::nullopt;
  return eventKindFromName(line.substr(start, end - start));
}

}  // namespace

EveFollower::EveFollower(std::string path, EventOutput& out, uint64_t backlog)
    : path_(std::move(path)), out_(out), backlog_(backlog) {}

EveFollower::~EveFollower() { stop(); }

void EveFollower::start() {
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(path_, ec);
  if (!ec && size > backlog_) {
    offset_ = size - backlog_;
    skipping_ = true;  // the first line read is most likely a part of one
  }
  readMore();
  thread_ = std::thread([this] {
    while (!stop_.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      readMore();
    }
  });
}

void EveFollower::stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

bool EveFollower::readMore() {
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(path_, ec);
  if (ec) return false;
  if (size < offset_) {  // cut shorter: a new file under the same name
    offset_ = 0;
    partial_.clear();
    skipping_ = false;
  }
  if (size == offset_) return true;
  std::ifstream in(path_, std::ios::binary);
  if (!in) return false;
  in.seekg(static_cast<std::streamoff>(offset_));
  std::string chunk(1 << 16, '\0');
  while (in && !stop_.load()) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const size_t got = static_cast<size_t>(in.gcount());
    if (got == 0) break;
    offset_ += got;
    size_t at = 0;
    while (at < got) {
      const char* nl = static_cast<const char*>(std::memchr(chunk.data() + at, '\n', got - at));
      const size_t end = nl ? static_cast<size_t>(nl - chunk.data()) : got;
      if (!skipping_) partial_.append(chunk, at, end - at);
      if (partial_.size() > kMaxLine) {
        partial_.clear();
        skipping_ = true;
        skipped_.fetch_add(1);
      }
      if (!nl) break;
      if (!skipping_ && !partial_.empty()) {
        if (auto kind = kindOf(partial_)) {
          out_.publish(*kind, partial_);
          lines_.fetch_add(1);
        } else {
          skipped_.fetch_add(1);
        }
      }
      partial_.clear();
      skipping_ = false;
      at = end + 1;
    }
  }
  return true;
}

}  // namespace mamori
