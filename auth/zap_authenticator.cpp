#include "auth/zap_authenticator.h"

#include <cerrno>
#include <cstdio>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>
#include <zmq_addon.hpp>

#include "auth/address_text.h"
#include "auth/curve_key.h"

namespace mamori {

namespace {

// RFC 27: the fixed frames of a request, then the mechanism's credentials.
enum RequestFrame : size_t { kVersion, kRequestId, kDomain, kAddress, kIdentity, kMechanism, kCredentials };

std::string controlEndpoint(const void* self) { return fmt::format("inproc://mamori-zap-control-{}", self); }

}  // namespace

ZapAuthenticator::ZapAuthenticator(zmq::context_t& context)
    : handler_(context, zmq::socket_type::rep),
      control_(context, zmq::socket_type::pair),
      control_peer_(context, zmq::socket_type::pair) {
  handler_.set(zmq::sockopt::linger, 0);
  try {
    handler_.bind("inproc://zeromq.zap.01");
  } catch (const zmq::error_t& e) {
    throw std::runtime_error(std::string("cannot start the ZAP handler (another one serves this context?): ") +
                             e.what());
  }
  control_.bind(controlEndpoint(this));
  control_peer_.connect(controlEndpoint(this));
  thread_ = std::thread([this] { serve(); });
}

ZapAuthenticator::~ZapAuthenticator() {
  control_.send(zmq::str_buffer("stop"), zmq::send_flags::none);
  thread_.join();
}

void ZapAuthenticator::allow(const std::string& domain, const std::vector<AllowedKey>& keys) {
  std::map<std::string, std::string> list;
  for (const AllowedKey& k : keys) {
    if (!isZ85Key(k.public_key)) throw KeyError("allowlist '" + domain + "': the key of '" + k.user_id + "' is not a Z85 key");
    auto [it, added] = list.emplace(k.public_key, k.user_id);
    if (!added && it->second != k.user_id) {
      throw KeyError(fmt::format("allowlist '{}': key {} is listed as both '{}' and '{}'", domain,
                                 keyFingerprint(k.public_key), it->second, k.user_id));
    }
  }
  std::lock_guard lock(mutex_);
  allowed_[domain] = std::move(list);
}

ZapAuthenticator::DomainCounters ZapAuthenticator::counters(const std::string& domain) const {
  std::lock_guard lock(mutex_);
  auto it = counters_.find(domain);
  return it == counters_.end() ? DomainCounters{} : it->second;
}

void ZapAuthenticator::serve() {
  zmq::pollitem_t items[] = {{handler_.handle(), 0, ZMQ_POLLIN, 0}, {control_peer_.handle(), 0, ZMQ_POLLIN, 0}};
  std::vector<zmq::message_t> request;
  while (true) {
    try {
      zmq::poll(items, 2, std::chrono::milliseconds(-1));
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) continue;
      return;  // ETERM: the context is going away
    }
    if (items[1].revents & ZMQ_POLLIN) return;
    if (!(items[0].revents & ZMQ_POLLIN)) continue;
    request.clear();
    try {
      if (!zmq::recv_multipart(handler_, std::back_inserter(request), zmq::recv_flags::dontwait)) continue;
    } catch (const zmq::error_t&) {
      return;
    }
    // A REP socket must answer every request, a malformed one too (RFC 27: 500).
    bool well_formed = request.size() >= kCredentials && request[kVersion].to_string_view() == "1.0";
    Reply reply = well_formed ? decide(request) : Reply{};
    std::string status = !well_formed ? "500" : reply.accepted ? "200" : "400";
    std::string text = !well_formed ? "malformed ZAP request" : reply.accepted ? "OK" : "not allowed";
    std::string request_id = request.size() > kRequestId ? request[kRequestId].to_string() : "";
    const std::string frames[] = {"1.0", request_id, status, text, reply.user_id, ""};
    try {
      for (size_t i = 0; i < std::size(frames); ++i) {
        handler_.send(zmq::buffer(frames[i]), i + 1 < std::size(frames) ? zmq::send_flags::sndmore : zmq::send_flags::none);
      }
    } catch (const zmq::error_t&) {
      return;
    }
  }
}

ZapAuthenticator::Reply ZapAuthenticator::decide(const std::vector<zmq::message_t>& request) {
  const std::string domain = request[kDomain].to_string();
  const std::string address = plainAddress(request[kAddress].to_string());
  const std::string mechanism = request[kMechanism].to_string();
  Reply reply;
  std::string key;
  bool curve = mechanism == "CURVE" && request.size() == kCredentials + 1 && request[kCredentials].size() == 32;
  if (curve) {
    char z85[41] = {};
    zmq_z85_encode(z85, static_cast<const uint8_t*>(request[kCredentials].data()), 32);
    key = z85;
  }
  if (curve) {
    std::lock_guard lock(mutex_);
    auto list = allowed_.find(domain);
    if (list != allowed_.end()) {
      auto it = list->second.find(key);
      if (it != list->second.end()) reply = Reply{true, it->second};
    }
  }
  if (!reply.accepted) {
    logRefusal(domain, address,
               curve ? "key " + keyFingerprint(key) + " is not on the allowlist"
                     : "mechanism " + mechanism.substr(0, 20) + " is not CURVE");
  }
  // Counted once logged, so that whoever sees the count sees the line too.
  std::lock_guard lock(mutex_);
  DomainCounters& c = counters_[domain];
  ++(reply.accepted ? c.accepted : c.refused);
  return reply;
}

void ZapAuthenticator::logRefusal(const std::string& domain, const std::string& address, const std::string& why) {
  auto held_back = log_throttles_[domain].admit();
  if (!held_back) return;
  std::string more = *held_back ? fmt::format(" ({} more refusals not shown)", *held_back) : "";
  fmt::print(stderr, "mamori: refused {} connection from {}: {}{}\n", domain.empty() ? "(no ZAP domain)" : domain,
             address.empty() ? "a local peer" : address, why, more);
  std::fflush(stderr);
}

}  // namespace mamori
