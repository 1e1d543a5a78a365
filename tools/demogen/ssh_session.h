#pragma once
// The packets of an SSH-2 session (RFC 4253) as a passive tap sees them: the cleartext
// identification lines and key exchange (KEXINIT, curve25519 ECDH, NEWKEYS), then
// chacha20-poly1305@openssh.com packets of realistic sizes whose contents are opaque.
#include <string>

#include "tools/demogen/host.h"
#include "tools/demogen/rng.h"

namespace mamori::demogen {

// What one SSH implementation announces: its identification line and, in its KEXINIT,
// the algorithms it offers in order of preference. Every profile offers curve25519-sha256,
// ssh-ed25519 and chacha20-poly1305@openssh.com, which the session's packets then use.
struct SshSoftware {
  const char* identification;  // without CR LF
  const char* keyExchange;
  const char* hostKeys;
  const char* ciphers;
  const char* macs;
  const char* compression;
};

extern const SshSoftware kOpenSshUbuntuServer;  // OpenSSH 8.2p1, Ubuntu 20.04's sshd
extern const SshSoftware kOpenSshWindowsClient;  // Windows 10's ssh.exe
extern const SshSoftware kLibsshClient;          // libssh 0.9, the library password guessers use

class SshSession {
 public:
  SshSession(Rng& rng, const SshSoftware& software);

  std::string identification() const;
  Bytes keyExchangeInit();
  // Client: SSH_MSG_KEX_ECDH_INIT.
  Bytes ecdhInit();
  // Server: SSH_MSG_KEX_ECDH_REPLY with its ed25519 host key and signature, then NEWKEYS.
  Bytes ecdhReplyAndNewKeys();
  Bytes newKeys();
  // One encrypted packet carrying a `payloadBytes` message (SERVICE_REQUEST is 17,
  // a password USERAUTH_REQUEST about 60, a keystroke's CHANNEL_DATA 10).
  Bytes encrypted(size_t payloadBytes);

 private:
  Bytes packet(const Bytes& payload, size_t blockSize);
  Bytes random(size_t length);

  Rng& rng_;
  const SshSoftware& software_;
};

}  // namespace mamori::demogen
