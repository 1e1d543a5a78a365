#include "console/eve_follower.h"

#include <chrono>
#include <filesystem>
#include <cstring>
#include <fstream>
#include <optional>

#include "console/eve_head.h"

namespace mamori {
namespace {

constexpr size_t kMaxLine = 1 << 20;

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
        // The console takes a record as well-formed once it has its head: the whole line
        // is read here, where it comes from a file.
        if (auto head = readEveHead(partial_, EveHeadRead::Whole); head && head->kind) {
          out_.publish(*head->kind, partial_);
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
