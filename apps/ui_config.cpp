#include "apps/ui_config.h"

#include "apps/yaml_fields.h"

namespace mamori {

void readUiSection(const std::string& f, const YAML::Node& n, const std::string& key, ConsoleOptions& ui) {
  using namespace yaml_fields;
  auto file = [&](std::string& into) {
    return [&, &into = into](const std::string& k, const YAML::Node& v) { into = path(f, k, v); };
  };
  eachKey(f, n, key,
          {{"listen", [&](const std::string& k, const YAML::Node& v) { ui.listen = v.IsNull() ? "" : scalar(f, k, v); }},
           {"tls-cert", file(ui.tls_cert)},
           {"tls-key", file(ui.tls_key)},
           {"accounts", file(ui.accounts)},
           {"web", file(ui.web)},
           {"max-live-pages", [&](const std::string& k, const YAML::Node& v) { ui.max_streams = capValue(f, k, v, 1000); }},
           {"live-alerts-per-page",
            [&](const std::string& k, const YAML::Node& v) { ui.live_alerts_per_s = capValue(f, k, v, 1000000); }},
           {"alerts", [&](const std::string& k, const YAML::Node& v) { ui.limits.alerts = capValue(f, k, v, 1000000); }},
           {"records", [&](const std::string& k, const YAML::Node& v) { ui.limits.records = capValue(f, k, v, 10000000); }}});
  if (ui.tls_cert.empty() != ui.tls_key.empty()) fail(f, n, key, "give tls-cert and tls-key together");
}

}  // namespace mamori
