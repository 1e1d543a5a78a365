#include "rules/rule_variables.h"

namespace mamori {

RuleVariables::RuleVariables()
    : address_groups_{
          {"HOME_NET", "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]"},
          {"EXTERNAL_NET", "!$HOME_NET"},
          {"HTTP_SERVERS", "$HOME_NET"},
          {"SMTP_SERVERS", "$HOME_NET"},
          {"SQL_SERVERS", "$HOME_NET"},
          {"DNS_SERVERS", "$HOME_NET"},
          {"TELNET_SERVERS", "$HOME_NET"},
          // Suricata's suricata.yaml has AIM servers outside: AOL ran them, not us.
          {"AIM_SERVERS", "$EXTERNAL_NET"},
          {"DC_SERVERS", "$HOME_NET"},
          {"DNP3_SERVER", "$HOME_NET"},
          {"DNP3_CLIENT", "$HOME_NET"},
          {"MODBUS_CLIENT", "$HOME_NET"},
          {"MODBUS_SERVER", "$HOME_NET"},
          {"ENIP_CLIENT", "$HOME_NET"},
          {"ENIP_SERVER", "$HOME_NET"},
      },
      port_groups_{
          {"HTTP_PORTS", "80"},
          {"SHELLCODE_PORTS", "!80"},
          {"ORACLE_PORTS", "1521"},
          {"SSH_PORTS", "22"},
          {"DNP3_PORTS", "20000"},
          {"MODBUS_PORTS", "502"},
          {"FILE_DATA_PORTS", "[$HTTP_PORTS,110,143]"},
          {"FTP_PORTS", "21"},
          {"GENEVE_PORTS", "6081"},
          {"VXLAN_PORTS", "4789"},
          {"TEREDO_PORTS", "3544"},
      } {}

void RuleVariables::setAddressGroup(const std::string& name, const std::string& expression) {
  address_groups_[name] = expression;
}

void RuleVariables::setPortGroup(const std::string& name, const std::string& expression) {
  port_groups_[name] = expression;
}

const std::string* RuleVariables::addressGroup(const std::string& name) const {
  auto it = address_groups_.find(name);
  return it == address_groups_.end() ? nullptr : &it->second;
}

const std::string* RuleVariables::portGroup(const std::string& name) const {
  auto it = port_groups_.find(name);
  return it == port_groups_.end() ? nullptr : &it->second;
}

}  // namespace mamori
