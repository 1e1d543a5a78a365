#include "bench/console_clients.h"

#include <pthread.h>

#include <httplib.h>

#include <cstdlib>
#include <string_view>

namespace mamori::bench {

ConsoleClients::ConsoleClients(const std::string& url, const std::string& token, int count) {
  for (int i = 0; i < count; ++i) {
    clients_.push_back(std::make_unique<Client>());
    Client& c = *clients_.back();
    c.thread = std::thread([this, &c, url, token] {
      pthread_setname_np(pthread_self(), "bench-page");
      read(c, url, token);
    });
  }
}

ConsoleClients::~ConsoleClients() { join(); }

void ConsoleClients::join() {
  for (auto& c : clients_) {
    if (c->thread.joinable()) c->thread.join();
  }
}

bool ConsoleClients::waitOpen(std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (const auto& c : clients_) {
    while (!c->open.load() && !c->ended.load() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!c->open.load()) return false;
  }
  return true;
}

ConsoleClients::Counts ConsoleClients::counts(size_t client) const {
  const Client& c = *clients_[client];
  return Counts{c.bytes.load(), c.events.load(), c.alerts.load(), c.skipped.load(), c.incidents.load(),
                c.resyncs.load()};
}

std::string ConsoleClients::failure() const {
  for (size_t k = 0; k < clients_.size(); ++k) {
    if (!clients_[k]->error.empty()) {
      return "page " + std::to_string(k + 1) + " of " + std::to_string(clients_.size()) + ": " + clients_[k]->error;
    }
  }
  return {};
}

void ConsoleClients::read(Client& c, const std::string& url, const std::string& token) {
  httplib::Client http(url.back() == '/' ? url.substr(0, url.size() - 1) : url);
  // The console sends a `sensors` event every 2 s while pages are open.
  http.set_read_timeout(std::chrono::seconds(30));
  int status = 0;
  auto result = http.Get(
      "/api/events", {{"Authorization", "Bearer " + token}},
      [&status](const httplib::Response& response) {
        status = response.status;
        return status == 200;
      },
      [&c](const char* data, size_t size) {
        take(c, data, size);
        c.open.store(true);
        return true;
      });
  if (status != 0 && status != 200) {
    c.error = "HTTP " + std::to_string(status);
  } else if (!result) {
    c.error = httplib::to_string(result.error());
  }
  c.ended.store(true);
}

// Events are separated by a blank line; one may arrive split over several reads.
void ConsoleClients::take(Client& c, const char* data, size_t size) {
  c.bytes += size;
  c.pending.append(data, size);
  size_t at = 0;
  for (size_t end; (end = c.pending.find("\n\n", at)) != std::string::npos; at = end + 2) {
    const std::string_view event(c.pending.data() + at, end - at);
    if (event.rfind("event: ", 0) != 0) continue;  // the retry hint, a comment
    const std::string_view name = event.substr(7, event.find('\n') - 7);
    if (name == "resync") {
      ++c.resyncs;
      continue;
    }
    if (name == "skipped") {  // data: {"alerts":N}
      static constexpr std::string_view kCount = "\"alerts\":";
      const size_t at = event.find(kCount);
      if (at != std::string_view::npos) c.skipped += std::strtoull(event.data() + at + kCount.size(), nullptr, 10);
      continue;
    }
    ++c.events;
    if (name == "alert") ++c.alerts;
    if (name == "incident") ++c.incidents;
  }
  c.pending.erase(0, at);
}

}  // namespace mamori::bench
