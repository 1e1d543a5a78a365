#pragma once
// The names Suricata gives EtherNet/IP's and CIP's numbers: encapsulation commands and
// statuses in snake case (its EVE `enip` records and the enip_command / enip.status
// keywords take them), CIP services, classes, general statuses and identity device types
// as its EVE writes them. Header-only constant tables, so that the rule language
// (rules/protocol_buffers.h) and the EVE writer read the one list. A number without a name
// is written "unknown-<n>", as Suricata does.
//
// Vendors: Suricata carries the whole ODVA vendor list (about 1500 names); this table has
// the vendors of the controllers and adapters most often seen, the rest are "unknown-<n>"
// (enip.vendor_id matches the number either way).
#include <cstdint>
#include <string_view>

#include "applayer/number_name_of.h"

namespace mamori {

inline constexpr ProtocolNumberName kEnipCommandNames[] = {
    {"nop", 0x00},          {"list_services", 0x04},      {"list_identity", 0x63}, {"list_interfaces", 0x64},
    {"register_session", 0x65}, {"unregister_session", 0x66}, {"send_rr_data", 0x6f}, {"send_unit_data", 0x70},
    {"indicate_status", 0x72}, {"cancel", 0x73},
};

inline constexpr ProtocolNumberName kEnipStatusNames[] = {
    {"success", 0x00},         {"invalid_cmd", 0x01},          {"no_resources", 0x02},
    {"incorrect_data", 0x03},  {"invalid_session", 0x64},      {"invalid_length", 0x65},
    {"unsupported_prot_rev", 0x69}, {"encap_header_error", 0x6a},
};

inline constexpr ProtocolNumberName kCipServiceNames[] = {
    {"Get Attributes All", 0x01},   {"Set Attributes All", 0x02},    {"Get Attribute List", 0x03},
    {"Set Attribute List", 0x04},   {"Reset", 0x05},                 {"Start", 0x06},
    {"Stop", 0x07},                 {"Create", 0x08},                {"Delete", 0x09},
    {"Multiple Service Packet", 0x0a}, {"Apply Attributes", 0x0d},   {"Get Attributes Single", 0x0e},
    {"Set Attributes Single", 0x10}, {"Find Next Object Instance", 0x11}, {"Restore", 0x15},
    {"Save", 0x16},                 {"No Forward Open", 0x17},       {"Get Member", 0x18},
    {"Set Member", 0x19},           {"Insert Member", 0x1a},         {"Remove Member", 0x1b},
    {"Group Sync", 0x1c},           {"Get Connection Point Member List", 0x1d},
    {"Execute PCCC Service", 0x4b}, {"Read Data", 0x4c},             {"Write Data", 0x4d},
    {"Read Write Modify Data", 0x4e}, {"Read Data Fragmented", 0x52}, {"Write Data Fragmented", 0x53},
    {"Forward Open", 0x54},
};

inline constexpr ProtocolNumberName kCipStatusNames[] = {
    {"Success", 0x00}, {"Connection Failure", 0x01}, {"Resource Unavailable", 0x02},
    {"Invalid Parameter Value", 0x03}, {"Path Segment Error", 0x04}, {"Path Destination Unknown", 0x05},
    {"Partial Transfer", 0x06}, {"Connection Lost", 0x07}, {"Service Not Supported", 0x08},
    {"Invalid Attribute Value", 0x09}, {"Attribute List Error", 0x0a}, {"Already In Requested Mode/State", 0x0b},
    {"Object State Conflict", 0x0c}, {"Object Already Exists", 0x0d}, {"Attribute Not Settable", 0x0e},
    {"Privilege Violation", 0x0f}, {"Device State Conflict", 0x10}, {"Reply Data Too Large", 0x11},
    {"Fragmentation Of A Primitive Value", 0x12}, {"Not Enough Data", 0x13}, {"Attribute Not Supported", 0x14},
    {"Too Much Data", 0x15}, {"Object Does Not Exist", 0x16}, {"Service Fragmentation Sequence Not In Progress", 0x17},
    {"No Stored Attribute Data", 0x18}, {"Store Operation Failure", 0x19},
    {"Routing Failure, Request Packet Too Large", 0x1a}, {"Routing Failure, Response Packet Too Large", 0x1b},
    {"Missing Attribute List Entry Data", 0x1c}, {"Invalid Attribute Value List", 0x1d},
    {"Embedded Service Error", 0x1e}, {"Vendor Specific Error", 0x1f}, {"Invalid Parameter", 0x20},
    {"Write-Once Value Or Medium Already Written", 0x21}, {"Invalid Reply Received", 0x22},
    {"Buffer Overflow", 0x23}, {"Invalid Message Format", 0x24}, {"Key Failure In Path", 0x25},
    {"Path Size Invalid", 0x26}, {"Unexpected Attribute In List", 0x27}, {"Invalid Member ID", 0x28},
    {"Member Not Settable", 0x29}, {"Group 2 Only Server General Failure", 0x2a}, {"Unknown Modbus Error", 0x2b},
    {"Attribute Not Gettable", 0x2c}, {"Still Processing", 0xff},
};

inline constexpr ProtocolNumberName kCipClassNames[] = {
    {"Identity", 0x01}, {"Message Router", 0x02}, {"DeviceNet", 0x03}, {"Assembly", 0x04},
    {"Connection", 0x05}, {"Connection Manager", 0x06}, {"Register", 0x07}, {"Discrete Input Point", 0x08},
    {"Discrete Output Point", 0x09}, {"Analog Input Point", 0x0a}, {"Analog Output Point", 0x0b},
    {"Presence Sensing", 0x0e}, {"Parameter", 0x0f}, {"Parameter Group", 0x10}, {"Group", 0x12},
    {"Discrete Input Group", 0x1d}, {"Discrete Output Group", 0x1e}, {"Discrete Group", 0x1f},
    {"Analog Input Group", 0x20}, {"Analog Output Group", 0x21}, {"Analog Group", 0x22},
    {"Position Sensor", 0x23}, {"Position Controller Supervisor", 0x24}, {"Position Controller", 0x25},
    {"Block Sequencer", 0x26}, {"Command Block", 0x27}, {"Motor Data", 0x28}, {"Control Supervisor", 0x29},
    {"AC/DC Drive", 0x2a}, {"Acknowledge Handler", 0x2b}, {"Overload", 0x2c}, {"Softstart", 0x2d},
    {"Selection", 0x2e}, {"File", 0x37}, {"Safety Supervisor", 0x39}, {"Safety Validator", 0x3a},
    {"Event Log", 0x41}, {"Motion Device Axis", 0x42}, {"Time Sync", 0x43}, {"Modbus", 0x44},
    {"Originator Connection List", 0x45}, {"Modbus Serial Link", 0x46}, {"Device Level Ring (DLR)", 0x47},
    {"QoS", 0x48}, {"Target Connection List", 0x4d}, {"Base Energy", 0x4e}, {"Electrical Energy", 0x4f},
    {"Non-Electrical Energy", 0x50}, {"Base Switch", 0x51}, {"SNMP", 0x52}, {"Power Management", 0x53},
    {"RSTP Bridge", 0x54}, {"RSTP Port", 0x55}, {"CIP Security", 0x5d}, {"EtherNet/IP Security", 0x5e},
    {"Certificate Management", 0x5f}, {"PCCC Class", 0x67}, {"ControlNet", 0xf0}, {"ControlNet Keeper", 0xf1},
    {"ControlNet Scheduling", 0xf2}, {"Connection Configuration", 0xf3}, {"Port", 0xf4},
    {"TCP/IP Interface", 0xf5}, {"Ethernet Link", 0xf6}, {"CompoNet", 0xf7}, {"CompoNet Repeater", 0xf8},
};

inline constexpr ProtocolNumberName kEnipDeviceTypeNames[] = {
    {"Generic Device (deprecated)", 0}, {"Control Station (deprecated)", 1}, {"AC Drive Device", 2},
    {"Motor Overload", 3}, {"Limit Switch", 4}, {"Inductive Proximity Switch", 5}, {"Photoelectric Sensor", 6},
    {"General Purpose Discrete I/O", 7}, {"Encoder (deprecated)", 8}, {"Resolver", 9},
    {"General Purpose Analog I/O (deprecated)", 10}, {"Communications Adapter", 12},
    {"Barcode Scanner (deprecated)", 13}, {"Programmable Logic Controller", 14}, {"Position Controller", 16},
    {"Weigh Scale (deprecated)", 17}, {"Message Display (deprecated)", 18}, {"DC Drive", 19},
    {"Servo Drives (deprecated)", 20}, {"Contactor", 21}, {"Motor Starter", 22}, {"Softstart Starter", 23},
    {"Human-Machine Interface", 24}, {"Pneumatic Valve(s) (deprecated)", 25}, {"Mass Flow Controller", 26},
    {"Pneumatic Valve(s)", 27}, {"Vacuum Pressure Gauge", 28}, {"Process Control Value", 29},
    {"Residual Gas Analyzer", 30}, {"DC Power Generator", 31}, {"RF Power Generator", 32},
    {"Turbomolecular Vacuum Pump", 33}, {"Encoder", 34}, {"Safety Discrete I/O Device", 35},
    {"Fluid Flow Controller", 36}, {"CIP Motion Drive", 37}, {"CompoNet Repeater", 38},
    {"Mass Flow Controller Enhanced", 39}, {"CIP Modbus Device", 40}, {"CIP Modbus Translator", 41},
    {"Safety Analog I/O Device", 42}, {"Generic Device (keyable)", 43}, {"Managed Ethernet Switch", 44},
    {"CIP Motion Safety Drive Device", 45}, {"Safety Drive Device", 46}, {"CIP Motion Encoder", 47},
    {"CIP Motion Converter", 48}, {"CIP Motion I/O", 49}, {"ControlNet Physical Layer Component", 50},
};

inline constexpr ProtocolNumberName kEnipVendorNames[] = {
    {"Rockwell Automation/Allen-Bradley", 1}, {"Honeywell Inc.", 3}, {"Wago Corporation", 40},
    {"ABB Industrial Systems", 46}, {"Omron Corporation", 47}, {"Turck Inc.", 48}, {"Softing GmbH", 56},
    {"HMS Industrial Networks AB", 90}, {"Beckhoff Automation GmbH", 108}, {"National Instruments", 109},
    {"Siemens Energy & Automation/Drives", 145}, {"Mitsubishi Electric Corporation", 161},
    {"Schneider Automation Inc.", 243}, {"Yokogawa Electric Corporation", 250}, {"Hilscher GmbH", 283},
    {"Prosoft Technology", 309}, {"GE Fanuc Automation North America Inc.", 326},
};

}  // namespace mamori
