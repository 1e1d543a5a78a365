#include "console/live_events.h"

#include <algorithm>

namespace mamori {

void LiveEvents::push(std::string_view event, std::string_view data) {
  std::string text;
  text.reserve(event.size() + data.size() + 16);
  text.append("event: ").append(event).append("\ndata: ").append(data).append("\n\n");
  {
    std::lock_guard lock(mutex_);
    ring_.push_back(Event{++head_, event == "alert", std::move(text)});
    if (ring_.size() > capacity_) ring_.pop_front();
  }
  changed_.notify_all();
}

LiveEvents::Batch LiveEvents::next(uint64_t after, std::chrono::milliseconds wait, size_t max_bytes,
                                   AlertBudget& budget) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, wait, [&] { return closed_ || head_ > after; });
  Batch b;
  b.next = after;
  if (closed_ || head_ <= after) return b;
  if (ring_.empty() || ring_.front().seq > after + 1) {
    b.resync = true;
    b.next = head_;
    b.text = "event: resync\ndata: {}\n\n";
    return b;
  }
  const auto now = std::chrono::steady_clock::now();
  const double per_s = static_cast<double>(budget.per_s);
  budget.tokens = std::min(per_s, budget.tokens + per_s * std::chrono::duration<double>(now - budget.at).count());
  budget.at = now;
  for (auto it = ring_.begin() + static_cast<std::ptrdiff_t>(after + 1 - ring_.front().seq);
       it != ring_.end() && b.text.size() < max_bytes; ++it) {
    b.next = it->seq;
    if (it->alert) {
      if (budget.tokens < 1) {
        ++b.skipped;
        continue;
      }
      budget.tokens -= 1;
    }
    b.text += it->text;
  }
  if (b.skipped) b.text += "event: skipped\ndata: {\"alerts\":" + std::to_string(b.skipped) + "}\n\n";
  return b;
}

uint64_t LiveEvents::head() const {
  std::lock_guard lock(mutex_);
  return head_;
}

void LiveEvents::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
}

bool LiveEvents::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

}  // namespace mamori
