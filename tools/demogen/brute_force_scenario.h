#pragma once
// Scenario `brute-force` (docs/scenarios.md): 203.0.113.99 guesses passwords on the office
// server 192.168.10.80, first over SSH with a libssh-based tool (four parallel tasks, three
// passwords a connection), then on the web portal's login form (four keep-alive
// connections). Beside it, the near misses: an administrator's own SSH sessions, a remote
// employee who mistypes a password four times before getting in, and office users whose
// browsers meet the intranet's Basic authentication with the usual 401 first.
#include <cstdint>
#include <string>
#include <vector>

#include "tools/demogen/capture_file.h"
#include "tools/demogen/rng.h"
#include "tools/demogen/ssh_session.h"

namespace mamori::demogen {

class BruteForceScenario {
 public:
  BruteForceScenario(CaptureFile& capture, uint64_t seed, Micros start);
  void generate();

 private:
  enum class SshUse { kGuessPasswords, kRunCommand, kInteractiveShell };

  // Returns when the connection's last packet was seen.
  Micros sshConnection(Host& client, const SshSoftware& software, Micros at, SshUse use);
  void sshPasswordGuessing(Micros at);
  void portalPasswordGuessing(Micros at);
  void mistypedPasswords(Micros at);
  void basicAuthentication(Micros at);

  CaptureFile& capture_;
  Rng rng_;
  Micros start_;

  Host server_;
  Host attacker_;
  Host admin_;
  Host remoteEmployee_;
  std::vector<Host> workstations_;
};

}  // namespace mamori::demogen
