#pragma once
// central.yaml: what `mamori central` runs with (central/central_options.h), validated as
// mamori.yaml is: an unknown key or a bad value stops start-up naming the file, the line
// and the key. Its `vars` and `correlate` sections are mamori.yaml's. An example with every
// key is docs/central.example.yaml; docs/deployment.md explains them.
#include <optional>
#include <string>

#include "central/central_options.h"
#include "console/console_options.h"

namespace mamori {

// Throws ConfigError. `ui`, when given, receives the `ui` section (the analysts' console
// over the central's store), left unset when there is none.
CentralOptions loadCentralConfig(const std::string& path, std::optional<ConsoleOptions>* ui = nullptr);

}  // namespace mamori
