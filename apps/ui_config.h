#pragma once
// The `ui:` section that a sensor's mamori.yaml and the central's central.yaml share: where
// the analysts' console listens and with what (docs/configuration.md).
#include <string>

#include <yaml-cpp/yaml.h>

#include "console/console_options.h"

namespace mamori {

// Reads `n` (the section under `key`) of `file` into `ui`; ConfigError naming the key.
void readUiSection(const std::string& file, const YAML::Node& n, const std::string& key, ConsoleOptions& ui);

}  // namespace mamori
