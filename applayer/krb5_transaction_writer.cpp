#include "applayer/krb5_transaction_writer.h"

#include "applayer/krb5_names.h"

namespace mamori {

void Krb5TransactionWriter::write(const Krb5Message& m, std::optional<Krb5MessageType> failed_request,
                                  ProtocolTransaction& out) {
  out.clear();
  out.protocol = "krb5";
  const auto type = static_cast<int32_t>(m.type);
  out.addNumber("krb5_msg_type", static_cast<uint32_t>(type));
  if (m.error_code) out.addNumber("krb5_err_code", static_cast<uint32_t>(*m.error_code));
  for (size_t i = 0; i < m.cname.count; ++i) out.add("krb5.cname", m.cname.parts[i]);
  for (size_t i = 0; i < m.sname.count; ++i) out.add("krb5.sname", m.sname.parts[i]);
  if (m.ticket_etype) out.addNumber("krb5.ticket_encryption", static_cast<uint32_t>(*m.ticket_etype));

  eve_.begin();
  eve_.named("msg_type", krb5MessageTypeName(type), type);
  if (m.error_code) {
    if (failed_request) {
      const auto request = static_cast<int32_t>(*failed_request);
      eve_.named("failed_request", krb5MessageTypeName(request), request);
    } else {
      // The error's request was not seen: an AS-REQ and a TGS-REQ are answered alike.
      eve_.named("failed_request", "UNKNOWN", 0);
    }
    eve_.named("error_code", krb5ErrorCodeName(*m.error_code), *m.error_code);
  }
  name("cname", m.cname);
  // A request's realm is the one it asks in; a reply's and an error's the client's (crealm).
  std::string_view realm = "<empty>";
  if (m.type == Krb5MessageType::AsReq || m.type == Krb5MessageType::TgsReq) {
    realm = m.realm;
  } else if (m.crealm_present) {
    realm = m.crealm;
  }
  eve_.text("realm", realm.empty() ? std::string_view("<empty>") : realm);
  name("sname", m.sname);
  if (m.enc_etype) {
    eve_.named("encryption", krb5EtypeName(*m.enc_etype), *m.enc_etype);
  } else {
    eve_.named("encryption", "<none>", 0);
  }
  const bool weak = m.enc_etype && krb5WeakEtype(*m.enc_etype);
  eve_.key("weak_encryption");
  eve_.boolean(weak);
  if (weak) raise(out.events, AppLayerEvent::Krb5WeakEncryption);
  if (m.ticket_etype) {
    eve_.named("ticket_encryption", krb5EtypeName(*m.ticket_etype), *m.ticket_etype);
    eve_.key("ticket_weak_encryption");
    eve_.boolean(krb5WeakEtype(*m.ticket_etype));
  }
  eve_.finish(out.eve);
}

void Krb5TransactionWriter::name(const char* key, const Krb5Name& n) {
  if (!n.present) {
    eve_.named(key, "<empty>", 0);
    return;
  }
  scratch_.clear();
  for (size_t i = 0; i < n.count; ++i) {
    if (i) scratch_.push_back('/');
    scratch_.append(n.parts[i]);
  }
  eve_.key(key);
  eve_.string(scratch_);
}

}  // namespace mamori
