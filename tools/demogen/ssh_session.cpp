#include "tools/demogen/ssh_session.h"

#include <cstring>

#include "tools/demogen/wire_format.h"

namespace mamori::demogen {
namespace {

constexpr uint8_t kKexInit = 20;
constexpr uint8_t kNewKeys = 21;
constexpr uint8_t kKexEcdhInit = 30;
constexpr uint8_t kKexEcdhReply = 31;
// Before NEWKEYS packets align to 8 bytes; chacha20-poly1305 aligns the part after the
// (separately encrypted) length to 8 too and appends a 16-byte Poly1305 tag.
constexpr size_t kCleartextBlock = 8;
constexpr size_t kPoly1305Tag = 16;
constexpr size_t kMinimumPadding = 4;

void putString(Bytes& out, const Bytes& value) {
  putU32(out, static_cast<uint32_t>(value.size()));
  out.insert(out.end(), value.begin(), value.end());
}

void putString(Bytes& out, const char* value) {
  putU32(out, static_cast<uint32_t>(std::strlen(value)));
  out.insert(out.end(), value, value + std::strlen(value));
}

}  // namespace

const SshSoftware kOpenSshUbuntuServer{
    "SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.11",
    "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
    "diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,"
    "diffie-hellman-group14-sha256",
    "rsa-sha2-512,rsa-sha2-256,ssh-rsa,ecdsa-sha2-nistp256,ssh-ed25519",
    "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com",
    "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
    "hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1",
    "none,zlib@openssh.com"};

const SshSoftware kOpenSshWindowsClient{
    "SSH-2.0-OpenSSH_for_Windows_8.1",
    "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
    "diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,"
    "diffie-hellman-group14-sha256,diffie-hellman-group14-sha1,ext-info-c",
    "ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,rsa-sha2-512-cert-v01@openssh.com,"
    "ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256,ssh-rsa",
    "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com",
    "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
    "hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1",
    "none,zlib@openssh.com,zlib"};

const SshSoftware kLibsshClient{
    "SSH-2.0-libssh_0.9.6",
    "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
    "diffie-hellman-group18-sha512,diffie-hellman-group16-sha512,diffie-hellman-group-exchange-sha256,"
    "diffie-hellman-group14-sha256,diffie-hellman-group1-sha1,ext-info-c",
    "ssh-ed25519,ecdsa-sha2-nistp521,ecdsa-sha2-nistp384,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256,ssh-rsa",
    "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr",
    "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1",
    "none"};

SshSession::SshSession(Rng& rng, const SshSoftware& software) : rng_(rng), software_(software) {}

std::string SshSession::identification() const { return std::string(software_.identification) + "\r\n"; }

Bytes SshSession::random(size_t length) {
  Bytes out(length);
  rng_.fill(out.data(), out.size());
  return out;
}

Bytes SshSession::packet(const Bytes& payload, size_t blockSize) {
  size_t padding = blockSize - (4 + 1 + payload.size()) % blockSize;
  if (padding < kMinimumPadding) padding += blockSize;
  Bytes out;
  putU32(out, static_cast<uint32_t>(1 + payload.size() + padding));
  out.push_back(static_cast<uint8_t>(padding));
  out.insert(out.end(), payload.begin(), payload.end());
  const Bytes pad = random(padding);
  out.insert(out.end(), pad.begin(), pad.end());
  return out;
}

Bytes SshSession::keyExchangeInit() {
  Bytes payload{kKexInit};
  const Bytes cookie = random(16);
  payload.insert(payload.end(), cookie.begin(), cookie.end());
  // Each direction's cipher, MAC and compression lists are the same; no languages.
  for (const char* list : {software_.keyExchange, software_.hostKeys, software_.ciphers, software_.ciphers,
                           software_.macs, software_.macs, software_.compression, software_.compression, "", ""}) {
    putString(payload, list);
  }
  payload.push_back(0);  // first_kex_packet_follows
  putU32(payload, 0);
  return packet(payload, kCleartextBlock);
}

Bytes SshSession::ecdhInit() {
  Bytes payload{kKexEcdhInit};
  putString(payload, random(32));
  return packet(payload, kCleartextBlock);
}

Bytes SshSession::ecdhReplyAndNewKeys() {
  Bytes hostKey;
  putString(hostKey, "ssh-ed25519");
  putString(hostKey, random(32));
  Bytes signature;
  putString(signature, "ssh-ed25519");
  putString(signature, random(64));

  Bytes payload{kKexEcdhReply};
  putString(payload, hostKey);
  putString(payload, random(32));
  putString(payload, signature);
  Bytes out = packet(payload, kCleartextBlock);
  const Bytes done = newKeys();
  out.insert(out.end(), done.begin(), done.end());
  return out;
}

Bytes SshSession::newKeys() { return packet(Bytes{kNewKeys}, kCleartextBlock); }

Bytes SshSession::encrypted(size_t payloadBytes) {
  size_t padding = kCleartextBlock - (1 + payloadBytes) % kCleartextBlock;
  if (padding < kMinimumPadding) padding += kCleartextBlock;
  return random(4 + 1 + payloadBytes + padding + kPoly1305Tag);
}

}  // namespace mamori::demogen
