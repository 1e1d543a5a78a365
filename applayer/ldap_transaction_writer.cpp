#include "applayer/ldap_transaction_writer.h"

#include "applayer/ldap_names.h"

namespace mamori {
namespace {

constexpr std::string_view kStartTlsOid = "1.3.6.1.4.1.1466.20037";

bool namesEntry(LdapOperation op) {
  using Op = LdapOperation;
  return op == Op::BindRequest || op == Op::SearchRequest || op == Op::ModifyRequest || op == Op::AddRequest ||
         op == Op::DelRequest || op == Op::ModDnRequest || op == Op::CompareRequest;
}

}  // namespace

void LdapTransactionWriter::request(const LdapMessage& m, LdapOpenTransaction& open, ProtocolTransaction& out) {
  out.clear();
  out.protocol = "ldap";
  out.tx_id = open.tx_id;
  out.role = Direction::ToServer;
  out.addNumber("ldap.request.operation", static_cast<uint32_t>(m.operation));
  if (namesEntry(m.operation)) out.add("ldap.request.dn", m.dn);
  for (size_t i = 0; i < m.attribute_type_count; ++i) out.add("ldap.request.attribute_type", m.attribute_types[i]);
  message(m, open.request_eve);
  open.starttls = m.operation == LdapOperation::ExtendedRequest && m.oid == kStartTlsOid;
  out.logged = m.operation == LdapOperation::UnbindRequest || m.operation == LdapOperation::AbandonRequest;
  if (out.logged) finish(open, out);
}

void LdapTransactionWriter::response(const LdapMessage& m, LdapOpenTransaction& open, size_t most) {
  ++open.count;
  // Past the bound only the last response, whose result the transaction ends with, is kept.
  if (open.held() >= most && !ldapEndsRequest(m.operation)) return;
  ProtocolTransaction& f = open.fields;
  f.addNumber("ldap.responses.operation", static_cast<uint32_t>(m.operation));
  if (m.has_result || m.operation == LdapOperation::SearchResultEntry) f.add("ldap.responses.dn", m.dn);
  if (m.has_result) {
    f.addNumber("ldap.responses.result_code", m.result_code);
    f.add("ldap.responses.message", m.diagnostic_message);
  }
  for (size_t i = 0; i < m.attribute_type_count; ++i) f.add("ldap.responses.attribute_type", m.attribute_types[i]);
  message(m, scratch_);
  if (!open.responses_eve.empty()) open.responses_eve.push_back(',');
  open.responses_eve.append(scratch_);
}

void LdapTransactionWriter::finish(const LdapOpenTransaction& open, ProtocolTransaction& out) {
  // `out` holds the request's fields already when nothing answers the request.
  out.protocol = "ldap";
  out.tx_id = open.tx_id;
  out.logged = true;
  const bool responses = open.count || open.request_eve.empty();
  out.role = responses ? Direction::ToClient : Direction::ToServer;
  for (const ProtocolField& f : open.fields.fields) out.add(f.name, open.fields.value(f));
  if (responses) out.addNumber("ldap.responses.count", open.count);
  eve_.begin();
  if (!open.request_eve.empty()) {
    eve_.key("request");
    eve_.raw(open.request_eve);
  }
  if (responses) {
    eve_.key("responses");
    eve_.raw(open.responses_eve, '[', ']');
  }
  eve_.finish(out.eve);
}

// Members as Suricata 8's EVE schema gives them (its `ldap` object allows no others); the
// attribute values it also writes are not kept here, only their types.
void LdapTransactionWriter::message(const LdapMessage& m, std::string& into) {
  using Op = LdapOperation;
  const std::string_view name = numberNameOf(kLdapOperationNames, static_cast<uint32_t>(m.operation));
  eve_.begin();
  eve_.key("message_id");
  eve_.number(m.message_id);
  eve_.key("operation");
  eve_.string(name);
  if (m.operation != Op::UnbindRequest && m.operation != Op::SearchResultReference) {
    eve_.key(name.data());  // the names are literals: NUL-terminated where the view ends
    eve_.startObject();
    switch (m.operation) {
      case Op::BindRequest:
        eve_.key("version");
        eve_.number(m.number);
        eve_.key("name");
        eve_.string(m.dn);
        if (!m.sasl_mechanism.empty()) {
          eve_.key("sasl");
          eve_.startObject();
          eve_.key("mechanism");
          eve_.string(m.sasl_mechanism);
          eve_.endObject();
        }
        break;
      case Op::SearchRequest:
        eve_.key("base_object");
        eve_.string(m.dn);
        eve_.key("scope");
        eve_.number(m.number);
        attributes(m, "attributes", nullptr, nullptr);
        break;
      case Op::SearchResultEntry:
        eve_.key("base_object");
        eve_.string(m.dn);
        attributes(m, "attributes", nullptr, "type");
        break;
      case Op::ModifyRequest:
        eve_.key("object");
        eve_.string(m.dn);
        attributes(m, "changes", "modification", "attribute_type");
        break;
      case Op::AddRequest:
        eve_.key("entry");
        eve_.string(m.dn);
        attributes(m, "attributes", nullptr, "name");
        break;
      case Op::DelRequest:
        eve_.key("dn");
        eve_.string(m.dn);
        break;
      case Op::ModDnRequest:
        eve_.key("entry");
        eve_.string(m.dn);
        break;
      case Op::CompareRequest:
        eve_.key("entry");
        eve_.string(m.dn);
        if (m.attribute_type_count) {
          eve_.key("attribute_value_assertion");
          eve_.startObject();
          eve_.key("description");
          eve_.string(m.attribute_types[0]);
          eve_.endObject();
        }
        break;
      case Op::AbandonRequest:
        eve_.key("message_id");
        eve_.number(m.number);
        break;
      default:
        if (m.has_result) {
          eve_.named("result_code", numberNameOf(kLdapResultCodeNames, m.result_code), m.result_code);
          eve_.key("matched_dn");
          eve_.string(m.dn);
          eve_.key("message");
          eve_.string(m.diagnostic_message);
        }
        eve_.text("name", m.oid);  // an extended request's, response's or intermediate one's
        break;
    }
    eve_.endObject();
  }
  eve_.finish(into);
}

// The message's attribute types under `key`: as strings, or each as {member: type}, itself
// inside {wrapper: ...} when `wrapper` is given.
void LdapTransactionWriter::attributes(const LdapMessage& m, const char* key, const char* wrapper, const char* member) {
  if (!m.attribute_type_count) return;
  eve_.key(key);
  eve_.startArray();
  for (size_t i = 0; i < m.attribute_type_count; ++i) {
    if (!member) {
      eve_.string(m.attribute_types[i]);
      continue;
    }
    eve_.startObject();
    if (wrapper) {
      eve_.key(wrapper);
      eve_.startObject();
    }
    eve_.key(member);
    eve_.string(m.attribute_types[i]);
    if (wrapper) eve_.endObject();
    eve_.endObject();
  }
  eve_.endArray();
}

}  // namespace mamori
