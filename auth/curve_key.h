#pragma once
// CURVE identities: the key pairs sensors, the central, rule authors and subscribers
// authenticate with, as files an operator names in the configuration.
//
// A key pair is two files written by `mamori keys generate`, in the ZPL layout of CZMQ's
// certificates so that ZeroMQ tooling reads them too:
//   DIR/NAME.key  public and secret key (Z85), mode 0600: stays on the machine it names
//   DIR/NAME.pub  the public key only: what goes into allowlists and peers' configurations
// Keys are never printed or logged; logs name a key by its fingerprint.
//
// Reading is bounded (files over 64 KiB are refused) and strict: anything but the layout
// above is refused with the path and line. Thread-safe: no shared state.
#include <stdexcept>
#include <string>
#include <string_view>

namespace mamori {

// Names the file (or the configuration value) and what is wrong with it.
class KeyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CurveKeyPair {
  std::string name;        // from the file's metadata; may be empty
  std::string public_key;  // Z85, 40 characters
  std::string secret_key;  // Z85, 40 characters; empty when read from a .pub file
};

// A fresh key pair from libzmq (libsodium underneath).
CurveKeyPair generateCurveKeyPair(const std::string& name);

// Writes DIR/NAME.key (mode 0600, created exclusively) and DIR/NAME.pub, creating DIR
// (mode 0700) when missing. Throws KeyError when either file exists (a key is never
// overwritten), when NAME is not a plain file name, or when writing fails.
void writeKeyFiles(const std::string& dir, const CurveKeyPair& pair);

// Reads a key file: a .key file gives both keys, a .pub file the public key only.
// Throws KeyError naming the path when it cannot be read, is not a key file, holds a
// malformed key, or (a secret file) is readable by group or others.
CurveKeyPair readKeyFile(const std::string& path);
// Reads a key file that must hold the secret key too (what a process authenticates with).
CurveKeyPair readSecretKeyFile(const std::string& path);
// A public key given in a configuration: a literal 40-character Z85 key, or the path of a
// .pub or .key file (only its public key is used); a relative path is taken relative to
// `relative_to` when given (a configuration file's folder). A text that names an existing
// file is a path, else it must be a key. Throws KeyError.
std::string readPublicKey(const std::string& key_or_path, const std::string& relative_to = "");

bool isZ85Key(std::string_view text);
// "SHA256:" and the first 16 hex digits of the SHA-256 of the 32-byte key: what logs and
// audit trails show instead of the key. Throws KeyError when `z85_public` is not a key.
std::string keyFingerprint(std::string_view z85_public);

}  // namespace mamori
