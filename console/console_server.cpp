#include "console/console_server.h"

#include <httplib.h>
#include <sodium.h>

#include <pthread.h>
#include <unistd.h>

#include <charconv>
#include <cstring>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "alerting/incident_store.h"
#include "auth/loopback_endpoint.h"
#include "central/central_store.h"
#include "console/accounts.h"
#include "console/session_table.h"
#include "console/sign_in_limiter.h"
#include "console/triage_json.h"
#include "console/triage_store.h"

namespace mamori {
namespace {

using Clock = std::chrono::steady_clock;

// How long a live stream lets events gather after sending some (the page sees them at most
// this much later): the alert view puts arrivals on the page four times a second at most,
// so a stream woken more often would cost the server its wake-ups for nothing.
constexpr auto kGather = std::chrono::milliseconds(250);

int64_t wallNowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The page's only sources are its own files: no inline script, no other origin, no frames.
const httplib::Headers kSecurityHeaders = {
    {"Content-Security-Policy",
     "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
     "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
};

// The charset keeps cpp-httplib from compressing API answers (it compresses bare
// application/json only): an answer holds the CSRF token beside text an attacker chose, the
// mix compression leaks (BREACH), and brotli at its highest quality took ~0.7 s for 190 kB.
void json(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body, "application/json; charset=utf-8");
}

void error(httplib::Response& res, int status, const std::string& why) {
  JsonWriter w;
  w.StartObject();
  w.field("error", why);
  w.EndObject();
  json(res, status, w.text());
}

std::string param(const httplib::Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : std::string();
}

bool parseUint(std::string_view text, uint64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

std::string cookie(const httplib::Request& req, std::string_view name) {
  const std::string header = req.get_header_value("Cookie");
  size_t at = 0;
  while (at < header.size()) {
    while (at < header.size() && (header[at] == ' ' || header[at] == ';')) ++at;
    const size_t end = std::min(header.find(';', at), header.size());
    const std::string_view pair(header.data() + at, end - at);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    at = end + 1;
  }
  return {};
}

// HOST:PORT (or [V6]:PORT) of ui.listen.
void splitListen(const std::string& listen, std::string& host, int& port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("ui.listen: expected HOST:PORT, got '" + listen + "'");
  host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  uint64_t p = 0;
  if (!parseUint(std::string_view(listen).substr(colon + 1), p) || p > 65535) {
    throw std::runtime_error("ui.listen: '" + listen + "' has no valid port");
  }
  port = static_cast<int>(p);
}

void writePrincipal(JsonWriter& w, const Principal& p) {
  w.field("user", p.name);
  w.field("role", roleName(p.role));
}

}  // namespace

struct ConsoleServer::Impl {
  Impl(ConsoleOptions o, ConsoleState& s, std::atomic<size_t>& streams)
      : options(std::move(o)), state(s), streams(streams), accounts(options.accounts) {}

  ConsoleOptions options;
  ConsoleState& state;
  std::atomic<size_t>& streams;
  std::unique_ptr<httplib::Server> server;
  bool tls = false;
  std::string host;
  int port = 0;

  Accounts accounts;
  SessionTable sessions;
  SignInLimiter limiter;

  std::mutex store_mutex;
  std::optional<IncidentStore> store;
  std::optional<TriageStore> triage;
  std::optional<CentralStore> central;

  std::thread serving, ticker;
  std::mutex tick_mutex;
  std::condition_variable tick_wake;
  bool stopping = false;

  mutable std::mutex counters_mutex;
  Counters counters;

  void count(uint64_t Counters::*field, uint64_t n = 1) {
    std::lock_guard lock(counters_mutex);
    counters.*field += n;
  }

  struct Caller {
    Principal who;
    std::string session;  // "" for a token
  };

  // Who is asking; answers 401 / 403 itself and returns nullopt when the request may not go on.
  // `acting`: the request changes something (CSRF token needed with a cookie, analysts
  // only unless `anyone`).
  std::optional<Caller> authenticate(const httplib::Request& req, httplib::Response& res, bool acting,
                                     bool anyone = false) {
    const std::string authorization = req.get_header_value("Authorization");
    if (authorization.rfind("Bearer ", 0) == 0) {
      auto who = accounts.token(std::string_view(authorization).substr(7));
      if (!who) {
        count(&Counters::unauthenticated);
        error(res, 401, "unknown API token");
        return std::nullopt;
      }
      return checkRole(Caller{*who, ""}, res, acting && !anyone);
    }
    auto session = findSession(req);
    if (!session) {
      count(&Counters::unauthenticated);
      error(res, 401, "sign in first");
      return std::nullopt;
    }
    if (acting && !session->csrfMatches(req.get_header_value("X-CSRF-Token"))) {
      count(&Counters::csrf_refused);
      error(res, 403, "missing or wrong X-CSRF-Token");
      return std::nullopt;
    }
    return checkRole(Caller{session->principal, session->id}, res, acting && !anyone);
  }

  // The request's session; the accounts file is looked at first, so that a removed
  // user's or changed password's sessions are gone before they are trusted.
  std::optional<Session> findSession(const httplib::Request& req) {
    const std::string id = cookie(req, "mamori_session");
    if (id.empty()) return std::nullopt;
    accounts.refresh();
    return sessions.find(id);
  }

  std::optional<Caller> checkRole(Caller c, httplib::Response& res, bool acting) {
    if (acting && c.who.role != Role::Analyst) {
      count(&Counters::forbidden);
      error(res, 403, "a viewer may not act on incidents");
      return std::nullopt;
    }
    return c;
  }

  void routes();
  void signIn(const httplib::Request& req, httplib::Response& res);
  void act(const httplib::Request& req, httplib::Response& res, const std::string& key);
  void stream(const httplib::Request& req, httplib::Response& res);
};

void ConsoleServer::Impl::signIn(const httplib::Request& req, httplib::Response& res) {
  rapidjson::Document body;
  body.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(req.body.data(),
                                                                                      req.body.size());
  if (body.HasParseError() || !body.IsObject() || !body.HasMember("user") || !body["user"].IsString() ||
      !body.HasMember("password") || !body["password"].IsString()) {
    error(res, 400, "expected {\"user\": ..., \"password\": ...}");
    return;
  }
  const std::string user(body["user"].GetString(), body["user"].GetStringLength());
  const std::string password(body["password"].GetString(), body["password"].GetStringLength());
  const auto now = Clock::now();
  if (auto wait = limiter.refuse(req.remote_addr, user, now)) {
    count(&Counters::sign_in_throttled);
    res.set_header("Retry-After",
                   std::to_string(std::chrono::duration_cast<std::chrono::seconds>(*wait).count() + 1));
    error(res, 429, "too many sign-in attempts: wait a few minutes");
    return;
  }
  auto who = accounts.signIn(user, password);
  if (!who) {
    limiter.failed(req.remote_addr, user, now);
    count(&Counters::sign_in_failures);
    error(res, 401, "wrong user name or password");
    return;
  }
  limiter.succeeded(req.remote_addr, user);
  count(&Counters::sign_ins);
  const Session session = sessions.create(*who);
  res.set_header("Set-Cookie", "mamori_session=" + session.id + "; Path=/; HttpOnly; SameSite=Strict" +
                                   (tls ? "; Secure" : ""));
  JsonWriter w;
  w.StartObject();
  writePrincipal(w, *who);
  w.field("csrf", session.csrf);
  w.EndObject();
  json(res, 200, w.text());
}

void ConsoleServer::Impl::act(const httplib::Request& req, httplib::Response& res, const std::string& key) {
  auto caller = authenticate(req, res, true);
  if (!caller) return;
  std::string sensor;
  uint64_t id = 0;
  if (!parseIncidentKey(key, sensor, id) || !state.hasIncident(key)) return error(res, 404, "no such incident");
  rapidjson::Document body;
  body.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(req.body.data(),
                                                                                      req.body.size());
  if (body.HasParseError() || !body.IsObject()) return error(res, 400, "expected a JSON object");
  auto text = [&](const char* name) {
    auto it = body.FindMember(name);
    return it != body.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength())
                                                          : std::string();
  };
  TriageAction action;
  action.at_us = wallNowUs();
  action.user = caller->who.name;
  action.action = text("action");
  action.owner = text("owner");
  action.text = action.action == "comment" ? text("text") : text("reason");
  if (action.action == "assign" && !action.owner.empty() && !accounts.exists(action.owner)) {
    return error(res, 400, "assign: no account named '" + action.owner.substr(0, 64) + "'");
  }
  Triage after;
  {
    std::lock_guard lock(store_mutex);
    try {
      after = applyAction(state.triage(key), action);
    } catch (const std::invalid_argument& e) {
      return error(res, 400, e.what());
    }
    try {
      triage->record(sensor, id, action, after);
    } catch (const IncidentStoreError& e) {
      fmt::print(stderr, "mamori: ui: {}\n", e.what());
      return error(res, 500, "the store could not keep the action");
    }
    // Inside the store's lock: two analysts acting at once are applied in one order.
    state.applyTriage(key, after, action);
  }
  count(&Counters::actions);
  JsonWriter w;
  w.StartObject();
  w.key("triage");
  writeTriage(w, after);
  w.key("action");
  writeAction(w, action);
  w.EndObject();
  json(res, 200, w.text());
}

void ConsoleServer::Impl::stream(const httplib::Request& req, httplib::Response& res) {
  if (!authenticate(req, res, false)) return;
  if (streams.fetch_add(1) >= options.max_streams) {
    streams.fetch_sub(1);
    count(&Counters::streams_refused);
    res.set_header("Retry-After", "10");
    return error(res, 503, "too many live pages open");
  }
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Accel-Buffering", "no");
  auto position = std::make_shared<uint64_t>(state.events().head());
  auto last_write = std::make_shared<Clock::time_point>(Clock::now());
  auto opened = std::make_shared<bool>(false);
  auto budget = std::make_shared<AlertBudget>(options.live_alerts_per_s);
  res.set_chunked_content_provider(
      "text/event-stream",
      [this, position, last_write, opened, budget](size_t, httplib::DataSink& sink) {
        if (!*opened) {
          *opened = true;
          static constexpr std::string_view kHello = "retry: 2000\n: mamori\n\n";
          return sink.write(kHello.data(), kHello.size());
        }
        // A stream that just sent something lets what comes next gather before it waits on the
        // ring again: each push wakes every waiting stream, on the producer's thread (the
        // central's, a sensor's output thread), so at hundreds of alerts a second, streams
        // that waited for each one would cost it a wake-up per stream per event.
        const auto since = Clock::now() - *last_write;
        if (since < kGather) std::this_thread::sleep_for(kGather - since);
        auto batch = state.events().next(*position, std::chrono::milliseconds(1000), 256 * 1024, *budget);
        if (batch.skipped) count(&Counters::alerts_skipped, batch.skipped);
        if (state.events().closed()) {
          sink.done();
          return true;
        }
        if (!sink.is_writable()) return false;
        *position = batch.next;
        if (!batch.text.empty()) {
          *last_write = Clock::now();
          return sink.write(batch.text.data(), batch.text.size());
        }
        // A comment now and then keeps proxies and the browser from closing a quiet stream.
        if (Clock::now() - *last_write > std::chrono::seconds(15)) {
          *last_write = Clock::now();
          static constexpr std::string_view kPing = ": ping\n\n";
          return sink.write(kPing.data(), kPing.size());
        }
        return true;
      },
      [this](bool) { streams.fetch_sub(1); });
}

void ConsoleServer::Impl::routes() {
  httplib::Server& s = *server;
  s.Post("/api/session", [this](const httplib::Request& req, httplib::Response& res) { signIn(req, res); });
  s.Get("/api/session", [this](const httplib::Request& req, httplib::Response& res) {
    // Signed out is an answer, not an error: the page asks on every load.
    auto session = findSession(req);
    JsonWriter w;
    w.StartObject();
    if (session) {
      writePrincipal(w, session->principal);
      w.field("csrf", session->csrf);
    } else {
      for (const char* k : {"user", "role", "csrf"}) {
        w.key(k);
        w.Null();
      }
    }
    w.EndObject();
    json(res, 200, w.text());
  });
  s.Delete("/api/session", [this](const httplib::Request& req, httplib::Response& res) {
    // Signing out is a change: a page of another site must not sign the analyst out.
    auto caller = authenticate(req, res, true, true);
    if (!caller) return;
    if (!caller->session.empty()) sessions.remove(caller->session);
    res.set_header("Set-Cookie", std::string("mamori_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict") +
                                     (tls ? "; Secure" : ""));
    res.status = 204;
  });

  s.Get("/api/incidents", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authenticate(req, res, false)) return;
    std::multimap<std::string, std::string> params(req.params.begin(), req.params.end());
    std::string why;
    auto query = IncidentQuery::parse(params, why);
    if (!query) return error(res, 400, why);
    json(res, 200, state.incidents(*query));
  });
  s.Get(R"(/api/incidents/(.+)/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authenticate(req, res, false)) return;
    const std::string key = req.matches[1].str() + "/" + req.matches[2].str();
    std::string sensor;
    uint64_t id = 0;
    if (!parseIncidentKey(key, sensor, id)) return error(res, 404, "no such incident");
    std::vector<IncidentChange> history;
    std::vector<TriageAction> actions;
    {
      std::lock_guard lock(store_mutex);
      try {
        history = store->history(sensor, id);
        actions = triage->actions(sensor, id);
      } catch (const IncidentStoreError& e) {
        fmt::print(stderr, "mamori: ui: {}\n", e.what());
      }
    }
    auto answer = state.incident(key, [&](JsonWriter& w) {
      w.key("history");
      w.StartArray();
      for (const IncidentChange& c : history) {
        w.StartObject();
        writeTime(w, "ts", c.ts);
        w.field("state", incidentStateName(c.state));
        w.key("severity");
        w.Int(c.severity);
        w.key("events");
        w.Uint64(c.alert_count);
        w.field("title", c.title);
        w.EndObject();
      }
      w.EndArray();
      w.key("actions");
      w.StartArray();
      for (const TriageAction& a : actions) writeAction(w, a);
      w.EndArray();
    });
    if (!answer) return error(res, 404, "no such incident");
    json(res, 200, *answer);
  });
  s.Post(R"(/api/incidents/(.+)/(\d+)/actions)", [this](const httplib::Request& req, httplib::Response& res) {
    act(req, res, req.matches[1].str() + "/" + req.matches[2].str());
  });
  s.Get("/api/alerts", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authenticate(req, res, false)) return;
    uint64_t sid = 0, limit = 200;
    if (req.has_param("sid") && !parseUint(param(req, "sid"), sid)) return error(res, 400, "sid: expected a number");
    if (req.has_param("limit") && (!parseUint(param(req, "limit"), limit) || limit == 0 || limit > 1000)) {
      return error(res, 400, "limit: expected 1 to 1000");
    }
    json(res, 200,
         state.alerts(param(req, "sensor"), param(req, "host"), static_cast<uint32_t>(sid), param(req, "q"), limit));
  });
  s.Get(R"(/api/flows/(.+)/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authenticate(req, res, false)) return;
    uint64_t flow_id = 0;
    if (!parseUint(req.matches[2].str(), flow_id)) return error(res, 404, "no such flow");
    json(res, 200, state.flow(req.matches[1].str(), flow_id));
  });
  s.Get("/api/sensors", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authenticate(req, res, false)) return;
    json(res, 200, state.sensors());
  });
  s.Get("/api/rules", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authenticate(req, res, false)) return;
    std::string current;
    std::vector<PushRecord> pushes;
    if (central) {
      std::lock_guard lock(store_mutex);
      try {
        current = central->currentVersion();
        pushes = central->pushes(100);
      } catch (const IncidentStoreError& e) {
        fmt::print(stderr, "mamori: ui: {}\n", e.what());
      }
    }
    json(res, 200, state.rules([&](JsonWriter& w) {
      w.field("current", current);
      w.key("pushes");
      w.StartArray();
      for (const PushRecord& p : pushes) {
        w.StartObject();
        w.key("id");
        w.Uint64(p.id);
        writeTime(w, "time_at", p.time_us);
        w.field("kind", p.kind);
        w.field("author", p.author);
        w.field("author_fingerprint", p.author_fingerprint);
        w.field("comment", p.comment);
        w.field("version", p.version);
        w.field("result", p.result);
        w.strings("errors", p.errors);
        w.key("sensors");
        w.StartArray();
        for (const auto& r : p.sensors) {
          w.StartObject();
          w.field("sensor", r.sensor);
          w.field("result", r.result);
          w.key("rules_loaded");
          w.Uint64(r.rules_loaded);
          w.key("build_seconds");
          w.Double(r.build_seconds);
          w.strings("errors", r.errors);
          w.EndObject();
        }
        w.EndArray();
        w.EndObject();
      }
      w.EndArray();
    }));
  });
  s.Get("/api/events", [this](const httplib::Request& req, httplib::Response& res) { stream(req, res); });
  s.Get(R"(/api/.*)", [this](const httplib::Request& req, httplib::Response& res) {
    if (authenticate(req, res, false)) error(res, 404, "no such resource");
  });

  s.set_pre_routing_handler([this](const httplib::Request&, httplib::Response&) {
    count(&Counters::requests);
    return httplib::Server::HandlerResponse::Unhandled;
  });
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (req.path.rfind("/api/", 0) == 0 && res.body.empty()) {
      error(res, res.status, res.status == 404 ? "no such resource" : "request refused");
    }
  });
}

ConsoleServer::ConsoleServer(ConsoleOptions options, ConsoleState& state) {
  if (sodium_init() < 0) throw std::runtime_error("ui: libsodium failed to initialise");
  if (options.store.empty()) throw std::runtime_error("ui: the console needs an incident store (store path)");
  if (!std::filesystem::is_regular_file(options.web + "/index.html")) {
    throw std::runtime_error("ui.web: " + options.web + " holds no index.html");
  }
  const bool tls = !options.tls_cert.empty() || !options.tls_key.empty();
  if (tls && (options.tls_cert.empty() || options.tls_key.empty())) {
    throw std::runtime_error("ui.tls-cert and ui.tls-key: give both or neither");
  }
  impl_ = std::make_unique<Impl>(std::move(options), state, streams_);
  Impl& m = *impl_;
  m.accounts.onRevoked([&m](const std::vector<std::string>& users) {
    for (const std::string& u : users) m.sessions.removeUser(u);
  });
  m.tls = tls;
  splitListen(m.options.listen, m.host, m.port);
  if (!tls && !isLoopbackEndpoint("tcp://" + (m.host.find(':') != std::string::npos ? "[" + m.host + "]" : m.host) +
                                  ":" + std::to_string(m.port))) {
    throw std::runtime_error("ui.listen: " + m.options.listen +
                             " is reachable from other machines: give ui.tls-cert and ui.tls-key (plain HTTP only "
                             "on loopback)");
  }

  m.store.emplace(IncidentStore::open(m.options.store));
  m.triage.emplace(*m.store);
  if (m.options.central) m.central.emplace(*m.store);
  state.load(m.store->list(IncidentFilter{}), m.triage->all());

  if (tls) {
    for (const auto& [key, path] : {std::pair{"ui.tls-cert", m.options.tls_cert}, std::pair{"ui.tls-key", m.options.tls_key}}) {
      if (::access(path.c_str(), R_OK) != 0) throw std::runtime_error(std::string(key) + ": cannot read " + path);
    }
    auto server = std::make_unique<httplib::SSLServer>(m.options.tls_cert.c_str(), m.options.tls_key.c_str());
    if (!server->is_valid()) {
      throw std::runtime_error("ui.tls-cert / ui.tls-key: " + m.options.tls_cert + " and " + m.options.tls_key +
                               " are not a PEM certificate and its key");
    }
    m.server = std::move(server);
  } else {
    m.server = std::make_unique<httplib::Server>();
  }
  httplib::Server& s = *m.server;
  const size_t threads = m.options.max_streams + 16;
  s.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  s.set_payload_max_length(64 * 1024);
  s.set_read_timeout(std::chrono::seconds(10));
  s.set_write_timeout(std::chrono::seconds(10));
  s.set_keep_alive_timeout(30);
  httplib::Headers headers = kSecurityHeaders;
  if (tls) headers.emplace("Strict-Transport-Security", "max-age=31536000");
  s.set_default_headers(headers);
  s.set_file_extension_and_mimetype_mapping("js", "text/javascript");
  s.set_file_extension_and_mimetype_mapping("svg", "image/svg+xml");
  if (!s.set_mount_point("/", m.options.web)) throw std::runtime_error("ui.web: cannot serve " + m.options.web);
  m.routes();
  if (m.port == 0) {
    m.port = s.bind_to_any_port(m.host);
    if (m.port < 0) throw std::runtime_error("ui.listen: cannot listen on " + m.options.listen);
  } else if (!s.bind_to_port(m.host, m.port)) {
    throw std::runtime_error("ui.listen: cannot listen on " + m.options.listen + ": " + std::strerror(errno));
  }
  m.serving = std::thread([&s] {
    // Its pool's threads, which serve the requests and the live streams, take its name.
    pthread_setname_np(pthread_self(), "console-http");
    s.listen_after_bind();
  });
  m.ticker = std::thread([&m] {
    pthread_setname_np(pthread_self(), "console-tick");
    std::unique_lock lock(m.tick_mutex);
    while (!m.tick_wake.wait_for(lock, std::chrono::seconds(2), [&] { return m.stopping; })) {
      if (m.streams.load() > 0) m.state.tickSensors();
    }
  });
}

ConsoleServer::~ConsoleServer() { stop(); }

void ConsoleServer::stop() {
  if (!impl_) return;
  {
    std::lock_guard lock(impl_->tick_mutex);
    if (impl_->stopping) return;
    impl_->stopping = true;
  }
  impl_->tick_wake.notify_all();
  impl_->state.events().close();
  // Live streams end their response when the ring closes; the server stopping first would
  // cut them mid-chunk, which a client reads as a broken connection rather than an end.
  const auto deadline = Clock::now() + std::chrono::seconds(2);
  while (impl_->streams.load() > 0 && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  impl_->server->stop();
  if (impl_->serving.joinable()) impl_->serving.join();
  if (impl_->ticker.joinable()) impl_->ticker.join();
}

std::string ConsoleServer::url() const {
  const std::string host = impl_->host.find(':') != std::string::npos ? "[" + impl_->host + "]" : impl_->host;
  return fmt::format("{}://{}:{}/", impl_->tls ? "https" : "http", host, impl_->port);
}

ConsoleServer::Counters ConsoleServer::counters() const {
  std::lock_guard lock(impl_->counters_mutex);
  return impl_->counters;
}

std::vector<MetricSample> ConsoleServer::metrics() const {
  const Counters c = counters();
  const ConsoleState::Counters s = impl_->state.counters();
  using T = MetricSample::Type;
  std::vector<MetricSample> out;
  auto add = [&](const char* name, const char* help, T type, double value,
                 std::vector<std::pair<std::string, std::string>> labels = {}) {
    out.push_back(MetricSample{name, help, type, std::move(labels), value});
  };
  add("mamori_ui_requests_total", "Requests the console served", T::Counter, double(c.requests));
  add("mamori_ui_refused_total", "Console requests refused", T::Counter, double(c.unauthenticated),
      {{"reason", "unauthenticated"}});
  add("mamori_ui_refused_total", "", T::Counter, double(c.forbidden), {{"reason", "viewer"}});
  add("mamori_ui_refused_total", "", T::Counter, double(c.csrf_refused), {{"reason", "csrf"}});
  add("mamori_ui_refused_total", "", T::Counter, double(c.sign_in_throttled), {{"reason", "sign_in_rate"}});
  add("mamori_ui_refused_total", "", T::Counter, double(c.streams_refused), {{"reason", "streams"}});
  add("mamori_ui_sign_ins_total", "Successful console sign-ins", T::Counter, double(c.sign_ins));
  add("mamori_ui_sign_in_failures_total", "Console sign-ins with a wrong user or password", T::Counter,
      double(c.sign_in_failures));
  add("mamori_ui_actions_total", "Analyst actions on incidents", T::Counter, double(c.actions));
  add("mamori_ui_live_streams", "Live console pages open", T::Gauge, double(streams_.load()));
  add("mamori_ui_live_alerts_skipped_total",
      "Live alerts pages were not sent, over their alerts a second (ui.live-alerts-per-page); each was told how many",
      T::Counter, double(c.alerts_skipped));
  add("mamori_ui_records_total", "Records the console took in", T::Counter, double(s.records));
  add("mamori_ui_records_refused_total", "Records the console could not read", T::Counter, double(s.refused));
  add("mamori_ui_records_aged_out_total", "Records the console let go of to stay within its limits", T::Counter,
      double(s.records_dropped + s.alerts_dropped));
  return out;
}

}  // namespace mamori
