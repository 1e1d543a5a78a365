#pragma once
// Puts a ZeroMQ socket under CURVE, as a server whose peers a ZapAuthenticator admits or
// as a client that pins its server's public key. Both must be set before the socket
// binds or connects. Throws KeyError (auth/curve_key.h) for a key that is not one.
#include <string>

#include <zmq.hpp>

#include "auth/curve_key.h"

namespace mamori {

// What a CURVE client connects with.
struct CurveClientKeys {
  std::string server_public_key;  // Z85: the server it will talk to, and no other
  CurveKeyPair own;               // its identity: the public key is what allowlists hold
};

// The socket answers only CURVE handshakes, with `own` (secret key required), and asks
// the context's ZAP handler about each peer under `zap_domain`.
void makeCurveServer(zmq::socket_t& socket, const CurveKeyPair& own, const std::string& zap_domain);
void makeCurveClient(zmq::socket_t& socket, const CurveClientKeys& keys);

}  // namespace mamori
