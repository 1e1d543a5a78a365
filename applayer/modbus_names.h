#pragma once
// The names Suricata's Modbus parser (sawp-modbus) gives Modbus/TCP's numbers, as its EVE
// `modbus` records write them: function codes, exception codes, diagnostic sub-functions and
// MEI types, and the access-type and category flag sets (written as "READ | COILS"). Header-only
// constant tables shared by the EVE writer and the `modbus` keyword (rules/modbus_keyword.h).
#include <cstdint>
#include <string_view>

#include "applayer/number_name_of.h"

namespace mamori {

inline constexpr ProtocolNumberName kModbusFunctionNames[] = {
    {"RdCoils", 0x01},        {"RdDiscreteInputs", 0x02}, {"RdHoldRegs", 0x03},       {"RdInputRegs", 0x04},
    {"WrSingleCoil", 0x05},   {"WrSingleReg", 0x06},      {"RdExcStatus", 0x07},      {"Diagnostic", 0x08},
    {"Program484", 0x09},     {"Poll484", 0x0a},          {"GetCommEventCtr", 0x0b},  {"GetCommEventLog", 0x0c},
    {"ProgramController", 0x0d}, {"PollController", 0x0e}, {"WrMultCoils", 0x0f},     {"WrMultRegs", 0x10},
    {"ReportServerID", 0x11}, {"Program884", 0x12},       {"ResetCommLink", 0x13},    {"RdFileRec", 0x14},
    {"WrFileRec", 0x15},      {"MaskWrReg", 0x16},        {"RdWrMultRegs", 0x17},     {"RdFIFOQueue", 0x18},
    {"MEI", 0x2b},
};

inline constexpr ProtocolNumberName kModbusExceptionNames[] = {
    {"IllegalFunction", 1}, {"IllegalDataAddr", 2}, {"IllegalDataValue", 3}, {"ServerDeviceFail", 4},
    {"Ack", 5},             {"ServerDeviceBusy", 6}, {"NegAck", 7},          {"MemParityErr", 8},
    {"GatewayPathUnavailable", 10}, {"GatewayTargetFailToResp", 11},
};

inline constexpr ProtocolNumberName kModbusDiagnosticNames[] = {
    {"RetQueryData", 0x00},     {"RestartCommOpt", 0x01},      {"RetDiagReg", 0x02},
    {"ChangeInputDelimiter", 0x03}, {"ForceListenOnlyMode", 0x04}, {"ClearCtrDiagReg", 0x0a},
    {"RetBusMsgCount", 0x0b},   {"RetBusCommErrCount", 0x0c},  {"RetBusExcErrCount", 0x0d},
    {"RetServerMsgCount", 0x0e}, {"RetServerNoRespCount", 0x0f}, {"RetServerNAKCount", 0x10},
    {"RetServerBusyCount", 0x11}, {"RetBusCharOverrunCount", 0x12}, {"RetOverrunErrCount", 0x13},
    {"ClearOverrunCounterFlag", 0x14}, {"GetClearPlusStats", 0x15},
};

inline constexpr ProtocolNumberName kModbusMeiNames[] = {{"CANOpenGenRefReqResp", 0x0d}, {"RdDevId", 0x0e}};

// Access-type flags, in the order Suricata's writer lists them (composites after the simple ones).
enum : uint8_t {
  kModbusRead = 0x01, kModbusWrite = 0x02, kModbusDiscretes = 0x04, kModbusCoils = 0x08, kModbusInput = 0x10,
  kModbusHolding = 0x20, kModbusSingle = 0x40, kModbusMultiple = 0x80,
};
inline constexpr uint8_t kModbusBitAccess = kModbusDiscretes | kModbusCoils;
inline constexpr uint8_t kModbusTables = kModbusDiscretes | kModbusCoils | kModbusInput | kModbusHolding;
inline constexpr ProtocolNumberName kModbusAccessNames[] = {
    {"READ", kModbusRead},         {"WRITE", kModbusWrite},       {"DISCRETES", kModbusDiscretes},
    {"COILS", kModbusCoils},       {"INPUT", kModbusInput},       {"HOLDING", kModbusHolding},
    {"SINGLE", kModbusSingle},     {"MULTIPLE", kModbusMultiple}, {"BIT_ACCESS_MASK", kModbusBitAccess},
    {"FUNC_MASK", kModbusTables},  {"WRITE_SINGLE", kModbusWrite | kModbusSingle},
    {"WRITE_MULTIPLE", kModbusWrite | kModbusMultiple},
};

// Function-code categories (Modbus application protocol 1.1b, section 5).
enum : uint8_t { kModbusPublicAssigned = 1, kModbusPublicUnassigned = 2, kModbusUserDefined = 4, kModbusReserved = 8 };
inline constexpr ProtocolNumberName kModbusCategoryNames[] = {
    {"PUBLIC_ASSIGNED", kModbusPublicAssigned}, {"PUBLIC_UNASSIGNED", kModbusPublicUnassigned},
    {"USER_DEFINED", kModbusUserDefined},       {"RESERVED", kModbusReserved},
};

// Error flags of a message that parses but holds values or lengths it should not.
enum : uint8_t { kModbusDataValue = 1, kModbusDataLength = 2, kModbusExceptionCode = 4 };
inline constexpr ProtocolNumberName kModbusErrorFlagNames[] = {
    {"DATA_VALUE", kModbusDataValue}, {"DATA_LENGTH", kModbusDataLength}, {"EXC_CODE", kModbusExceptionCode},
};

// The function code a raw function byte stands for, as Suricata compares them: without the
// exception bit, and 0 (no code has it) for every function it has no name for.
constexpr uint8_t modbusFunctionCode(uint8_t raw) {
  const auto code = static_cast<uint8_t>(raw & 0x7f);
  return numberNameOf(kModbusFunctionNames, code).empty() ? 0 : code;
}

}  // namespace mamori
