#pragma once
// What the console serves with: the `ui:` section of a sensor's or the central's
// configuration, or `mamori ui`'s options (docs/configuration.md, docs/console.md).
#include <string>

#include "console/console_state.h"

namespace mamori {

struct ConsoleOptions {
  std::string listen = "127.0.0.1:8443";  // HOST:PORT; plain HTTP only on loopback
  std::string tls_cert, tls_key;          // PEM files: HTTPS (required off loopback)
  std::string accounts;                   // the accounts file (`mamori ui users add`)
  std::string web;                        // the page's static files (apps: defaultWebPath())
  std::string store;                      // the incident store it reads and keeps triage in
  bool central = false;                   // the store is a central's: push history is in it
  ConsoleLimits limits;
  size_t max_streams = 128;               // live pages at once (each holds a thread)
  size_t live_alerts_per_s = 500;         // alerts a second each live page is sent (AlertBudget)
};

}  // namespace mamori
