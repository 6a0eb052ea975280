#include "server/listener/associate_request.h"

#include <functional>
#include <map>

#include <fmt/format.h>

#include "server/access/ae_title.h"

namespace pixeldex::server {
namespace {

// PS3.8 9.3.2: protocol version, reserved, called and calling AE titles, reserved.
constexpr size_t kFixedFields = 2 + 2 + 16 + 16 + 32;
constexpr size_t kCalledAeAt = 4;
constexpr size_t kCallingAeAt = 20;
constexpr size_t kItemHeader = 4;  // type, reserved, 2-byte length

// Item types (PS3.8 9.3.2.1-3, PS3.7 D.3.3).
constexpr uint8_t kApplicationContext = 0x10;
constexpr uint8_t kPresentationContextRq = 0x20;
constexpr uint8_t kPresentationContextAc = 0x21;
constexpr uint8_t kAbstractSyntax = 0x30;
constexpr uint8_t kTransferSyntax = 0x40;
constexpr uint8_t kUserInformation = 0x50;
constexpr uint8_t kContextHeader = 4;  // context ID, reserved, result, reserved

Status InvalidAssociateRequest(const std::string& why) {
  return Status::InvalidArgument("A-ASSOCIATE-RQ " + why);
}

// How many items of each type may appear where they do; types not listed are
// skipped by DCMTK at linear cost and may repeat.
using Limits = std::map<uint8_t, int>;
const Limits kTopLevel = {{kApplicationContext, 1},
                          {kPresentationContextRq, kMaxPresentationContexts},
                          {kPresentationContextAc, 0},
                          {kUserInformation, 1}};
const Limits kInContext = {{kAbstractSyntax, 1}, {kTransferSyntax, kMaxTransferSyntaxesPerContext}};
const Limits kInUserInformation = {
    {0x51, 1},                        // maximum length
    {0x52, 1},                        // implementation class UID
    {0x53, 1},                        // asynchronous operations window
    {0x54, kMaxNegotiationSubItems},  // SCP/SCU role selection
    {0x55, 1},                        // implementation version name
    {0x56, kMaxNegotiationSubItems},  // SOP class extended negotiation
    {0x57, kMaxNegotiationSubItems},  // SOP class common extended negotiation
    {0x58, 1},                        // user identity
};

// Calls `visit` with each item's type and value in `bytes`, refusing an item
// that overruns `bytes` or repeats more often than `limits` allow.
Status ForEachItem(std::string_view bytes, const char* where, const Limits& limits,
                   const std::function<Status(uint8_t, std::string_view)>& visit) {
  std::map<uint8_t, int> seen;
  while (!bytes.empty()) {
    if (bytes.size() < kItemHeader)
      return InvalidAssociateRequest(fmt::format("{} ends inside an item header", where));
    const auto type = static_cast<uint8_t>(bytes[0]);
    const size_t length = size_t{uint8_t(bytes[2])} << 8 | uint8_t(bytes[3]);
    if (length > bytes.size() - kItemHeader) {
      return InvalidAssociateRequest(
          fmt::format("item {:02X}H in {} runs past its end", type, where));
    }
    const auto limit = limits.find(type);
    if (limit != limits.end() && ++seen[type] > limit->second) {
      return InvalidAssociateRequest(
          fmt::format("{} holds more than {} item(s) of type {:02X}H", where, limit->second, type));
    }
    PIXELDEX_RETURN_IF_ERROR(visit(type, bytes.substr(kItemHeader, length)));
    bytes.remove_prefix(kItemHeader + length);
  }
  return Status::Ok();
}

Status CheckAeTitle(std::string_view field, const char* which) {
  if (SignificantAeTitle(field)) return Status::Ok();
  return InvalidAssociateRequest(
      fmt::format("{} AE title is not a valid AE title (PS3.5 6.2)", which));
}

// PS3.8 9.3.2.2: "Presentation-context-ID values shall be odd integers
// between 1 and 255", one per context.
Status AddContext(std::string_view value, ProposedContexts& contexts) {
  if (value.size() < kContextHeader)
    return InvalidAssociateRequest("presentation context item is too short");
  const auto id = static_cast<uint8_t>(value[0]);
  if (id % 2 == 0)
    return InvalidAssociateRequest(fmt::format("presentation context ID {} is not odd", id));
  if (contexts[id])
    return InvalidAssociateRequest(fmt::format("proposes presentation context ID {} twice", id));
  std::string abstract_syntax;
  PIXELDEX_RETURN_IF_ERROR(ForEachItem(
      value.substr(kContextHeader), "a presentation context", kInContext,
      [&](uint8_t type, std::string_view sub) {
        // DCMTK copies the UID up to its first NUL.
        if (type == kAbstractSyntax) abstract_syntax = std::string(sub.substr(0, sub.find('\0')));
        return Status::Ok();
      }));
  contexts[id] = std::move(abstract_syntax);
  return Status::Ok();
}

}  // namespace

Result<ProposedContexts> ScreenAssociateRequest(std::string_view body) {
  if (body.size() < kFixedFields)
    return InvalidAssociateRequest("is shorter than its fixed fields");
  PIXELDEX_RETURN_IF_ERROR(CheckAeTitle(body.substr(kCalledAeAt, 16), "called"));
  PIXELDEX_RETURN_IF_ERROR(CheckAeTitle(body.substr(kCallingAeAt, 16), "calling"));
  ProposedContexts contexts;
  PIXELDEX_RETURN_IF_ERROR(ForEachItem(
      body.substr(kFixedFields), "the request", kTopLevel,
      [&](uint8_t type, std::string_view value) {
        if (type == kPresentationContextRq) return AddContext(value, contexts);
        if (type == kUserInformation) {
          return ForEachItem(value, "the user information", kInUserInformation,
                             [](uint8_t, std::string_view) { return Status::Ok(); });
        }
        return Status::Ok();
      }));
  return contexts;
}

}  // namespace pixeldex::server
