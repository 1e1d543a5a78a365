#include "apps/console_host.h"

#include <fmt/format.h>

#include "apps/rule_loading.h"
#include "central/central_server.h"
#include "correlate/correlation_rule_parser.h"

namespace mamori {

ConsoleHost::ConsoleHost(ConsoleOptions options, const std::vector<std::string>& correlation) {
  if (options.web.empty()) options.web = defaultWebPath();
  if (options.accounts.empty()) {
    throw std::runtime_error("ui.accounts: the console needs an accounts file (mamori ui users add NAME --accounts FILE)");
  }
  state_ = std::make_unique<ConsoleState>(options.limits);
  // The sensors' rules and the central's are separate sets; each is described on its own.
  // Rules of `correlation` may build on the defaults, so they are read with them.
  std::vector<std::string> sensor_rules{defaultCorrelationPath()};
  sensor_rules.insert(sensor_rules.end(), correlation.begin(), correlation.end());
  std::map<std::string, RuleInfo> rules;
  for (const auto& paths : {sensor_rules, std::vector<std::string>{defaultCorrelationPath() + "/central"}}) {
    try {
      CorrelationRuleParser parser;
      for (const std::string& p : paths) parser.addPath(p);
      rules.merge(describeRules(parser.finish()));
    } catch (const std::exception& e) {
      fmt::print(stderr, "mamori: ui: incidents of these rules are shown without their rule: {}\n", e.what());
    }
  }
  state_->setRules(std::move(rules));
  server_ = std::make_unique<ConsoleServer>(std::move(options), *state_);
  feed_ = std::make_unique<ConsoleFeed>(*state_);
}

std::vector<MetricSample> ConsoleHost::metrics() const {
  std::vector<MetricSample> out = server_->metrics();
  out.push_back(MetricSample{"mamori_ui_records_dropped_total",
                             "Records the console's feed had no room for (it fell behind)", MetricSample::Counter,
                             {}, double(feed_->dropped())});
  return out;
}

void ConsoleHost::attach(CentralServer& central) {
  central.addLiveOutput(feed_.get());
  const SensorRegistry& registry = central.sensors();
  state_->setSensorLinks([&registry] {
    std::vector<SensorLink> links;
    const int64_t now = SensorRegistry::nowUs();
    for (const SensorState& s : registry.snapshot()) {
      links.push_back(SensorLink{s.name, s.connected(now, registry.silence()), s.last_record_ts ? s.lag_seconds : -1,
                                 s.last_heard_us, s.rules_version});
    }
    return links;
  });
}

ConsoleHost::~ConsoleHost() {
  if (server_) server_->stop();
}

}  // namespace mamori
