#include "applayer/app_protocols.h"

#include "applayer/dcerpc_protocol.h"
#include "applayer/dhcp_protocol.h"
#include "applayer/ftp_data_protocol.h"
#include "applayer/ftp_protocol.h"
#include "applayer/dnp3_protocol.h"
#include "applayer/enip_protocol.h"
#include "applayer/krb5_protocol.h"
#include "applayer/ldap_protocol.h"
#include "applayer/modbus_protocol.h"
#include "applayer/mqtt_protocol.h"
#include "applayer/quic_protocol.h"
#include "applayer/rdp_protocol.h"
#include "applayer/sip_protocol.h"
#include "applayer/smb_protocol.h"
#include "applayer/smtp_protocol.h"
#include "applayer/snmp_protocol.h"
#include "applayer/websocket_protocol.h"

namespace mamori {

std::vector<std::unique_ptr<AppProtocol>> makeAppProtocols(const AppProtocolLimits& limits) {
  std::vector<std::unique_ptr<AppProtocol>> protocols;
  protocols.push_back(std::make_unique<SipProtocol>());
  protocols.push_back(std::make_unique<Krb5Protocol>());
  protocols.push_back(std::make_unique<LdapProtocol>());
  protocols.push_back(std::make_unique<DcerpcProtocol>());
  protocols.push_back(std::make_unique<SmbProtocol>());
  protocols.push_back(std::make_unique<FtpProtocol>());
  protocols.push_back(std::make_unique<FtpDataProtocol>());
  protocols.push_back(std::make_unique<SmtpProtocol>());
  protocols.push_back(std::make_unique<EnipProtocol>());
  protocols.push_back(std::make_unique<ModbusProtocol>());
  protocols.push_back(std::make_unique<Dnp3Protocol>());
  protocols.push_back(std::make_unique<DhcpProtocol>());
  protocols.push_back(std::make_unique<SnmpProtocol>());
  protocols.push_back(std::make_unique<RdpProtocol>());
  protocols.push_back(std::make_unique<WebsocketProtocol>(limits.websocket_max_payload));
  protocols.push_back(std::make_unique<MqttProtocol>(limits.mqtt_max_message));
  protocols.push_back(std::make_unique<QuicProtocol>());
  return protocols;
}

}  // namespace mamori
