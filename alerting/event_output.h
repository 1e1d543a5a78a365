#pragma once
// Where formatted EVE records go: a file, the bus, or both. The pipeline's output thread
// formats each record once and hands the same line to every output.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mamori {

// The kind of a record: its EVE event_type, which is also its bus topic. App: a record of
// an app-layer protocol plug-in, whose event_type and topic are its protocol's name
// ("sip", ...; EventOutput::publishApp).
enum class EventKind : uint8_t { Alert, Flow, Incident, Stats, Http, Dns, Tls, Ssh, App, Fileinfo };
inline constexpr EventKind kEventKinds[] = {EventKind::Alert, EventKind::Flow, EventKind::Incident,
                                            EventKind::Stats, EventKind::Http, EventKind::Dns,
                                            EventKind::Tls,   EventKind::Ssh,  EventKind::App,
                                            EventKind::Fileinfo};

constexpr const char* eventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::Alert: return "alert";
    case EventKind::Flow: return "flow";
    case EventKind::Incident: return "incident";
    case EventKind::Stats: return "stats";
    case EventKind::Http: return "http";
    case EventKind::Dns: return "dns";
    case EventKind::Tls: return "tls";
    case EventKind::Ssh: return "ssh";
    case EventKind::App: return "app";
    case EventKind::Fileinfo: return "fileinfo";
  }
  return "unknown";
}

// The kind named `name` ("alert", ...); nullopt for another name.
constexpr std::optional<EventKind> eventKindFromName(std::string_view name) {
  for (EventKind k : kEventKinds) {
    if (name == eventKindName(k)) return k;
  }
  return std::nullopt;
}

class EventOutput {
 public:
  virtual ~EventOutput() = default;
  // `json` is one EVE object without a trailing newline.
  virtual void publish(EventKind kind, const std::string& json) = 0;
  // A protocol plug-in's record (EventKind::App) whose event_type is `event_type`: an
  // output that routes by topic (the bus) uses that name; the others write it as any other.
  virtual void publishApp(std::string_view event_type, const std::string& json) {
    (void)event_type;
    publish(EventKind::App, json);
  }
  // Pushes out whatever the output holds back; called at the end of a run and on a timer.
  virtual void flush() {}
};

}  // namespace mamori
