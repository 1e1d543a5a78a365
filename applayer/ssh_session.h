#pragma once
// What an SSH connection says of itself before its key exchange: each side's
// identification line "SSH-protoversion-softwareversion [comments]" (RFC 4253 4.2), as
// Suricata's ssh.proto / ssh.software buffers and EVE `ssh` record carry it. Everything
// after the banners is encrypted or binary key exchange, which nothing here reads.
#include <string>

namespace mamori {

struct SshBanner {
  bool seen = false;
  std::string proto;     // "2.0", "1.99"
  std::string software;  // "OpenSSH_8.9p1", without the comments after a space
};

struct SshSession {
  SshBanner client, server;
};

}  // namespace mamori
