#pragma once
// RuleSetSlot: the rule set all workers use, replaced whole when rules are reloaded.
// The control thread publishes a fully built database; each worker notices the new
// version between two packets (one relaxed atomic load per packet) and switches, so no
// packet is inspected half by one set and half by another, and none is skipped.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "detect/signature_database.h"

namespace mamori {

class RuleSetSlot {
 public:
  explicit RuleSetSlot(std::shared_ptr<const SignatureDatabase> database) : database_(std::move(database)) {}

  void publish(std::shared_ptr<const SignatureDatabase> database) {
    std::lock_guard lock(mutex_);
    database_ = std::move(database);
    version_.fetch_add(1, std::memory_order_release);
  }
  uint64_t version() const { return version_.load(std::memory_order_acquire); }
  std::shared_ptr<const SignatureDatabase> current() const {
    std::lock_guard lock(mutex_);
    return database_;
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const SignatureDatabase> database_;
  std::atomic<uint64_t> version_{1};
};

}  // namespace mamori
