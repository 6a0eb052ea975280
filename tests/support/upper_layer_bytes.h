#pragma once
// Raw DICOM Upper Layer and DIMSE bytes for tests that must send what a
// well-behaved client cannot: command sets element by element (PS3.7 E.1,
// Implicit VR Little Endian), P-DATA-TF PDUs (PS3.8 9.3.5) and A-ASSOCIATE-RQ
// PDUs (PS3.8 9.3.2) with any number of items.

#include <cstdint>
#include <string>
#include <vector>

namespace pixeldex::testing {

std::string Le16(uint16_t v);
std::string Le32(uint32_t v);
std::string Be16(uint16_t v);
std::string Be32(uint32_t v);

// A group 0000 element (0000,`element`) holding `value`.
std::string CommandElement(uint16_t element, const std::string& value);
// `uid` padded to even length with a NUL (PS3.5 9.1).
std::string UidValue(const std::string& uid);
// A request command set of `command_field` for `sop_class`, with a data set
// (Command Data Set Type 0000H) or without (0101H), elements in order.
std::string RequestCommandSet(uint16_t command_field, const std::string& sop_class,
                              bool with_data_set = true);

// One P-DATA-TF PDU holding one PDV on presentation context `context`.
std::string PDataPdu(const std::string& fragment, uint8_t context, bool command, bool last);

struct ProposedContext {
  uint8_t id;
  std::string abstract_syntax;
};
// An A-ASSOCIATE-RQ PDU: 16-byte called and calling AE title fields taken as
// given (padded with spaces to 16), `contexts` in Implicit VR Little Endian,
// and a user information item holding a maximum length sub-item followed by
// `extra_user_items` (raw sub-items).
std::string AssociateRequestPdu(const std::string& called_field, const std::string& calling_field,
                                const std::vector<ProposedContext>& contexts,
                                const std::string& extra_user_items = "");
// One item or sub-item: type, reserved byte, 2-byte length, value.
std::string UpperLayerItem(uint8_t type, const std::string& value);

}  // namespace pixeldex::testing
