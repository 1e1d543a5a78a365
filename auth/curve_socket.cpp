#include "auth/curve_socket.h"

namespace mamori {

namespace {

void requireSecret(const CurveKeyPair& pair, const char* role) {
  if (!isZ85Key(pair.public_key) || !isZ85Key(pair.secret_key)) {
    throw KeyError(std::string("the ") + role + " needs a complete key pair (public and secret key)");
  }
}

}  // namespace

void makeCurveServer(zmq::socket_t& socket, const CurveKeyPair& own, const std::string& zap_domain) {
  requireSecret(own, "CURVE server");
  socket.set(zmq::sockopt::curve_server, 1);
  socket.set(zmq::sockopt::curve_secretkey, own.secret_key);
  socket.set(zmq::sockopt::zap_domain, zap_domain);
}

void makeCurveClient(zmq::socket_t& socket, const CurveClientKeys& keys) {
  requireSecret(keys.own, "CURVE client");
  if (!isZ85Key(keys.server_public_key)) throw KeyError("the server's public key is not a 40-character Z85 key");
  socket.set(zmq::sockopt::curve_serverkey, keys.server_public_key);
  socket.set(zmq::sockopt::curve_publickey, keys.own.public_key);
  socket.set(zmq::sockopt::curve_secretkey, keys.own.secret_key);
}

}  // namespace mamori
