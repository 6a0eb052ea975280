#include "server/find/identifier_encoder.h"

#include <charconv>
#include <cstdint>
#include <limits>
#include <string_view>

#include "server/find/little_endian.h"

namespace pixeldex::server {
namespace {

enum class ValueKind { kText, kUid, kUnsigned16, kSigned16, kUnsigned32, kSigned32 };

struct VrInfo {
  ValueKind kind;
  // PS3.5 7.1.2 Table 7.1-1: a 2-byte reserved field and a 4-byte length in
  // Explicit VR; every other VR has a 2-byte length.
  bool long_length;
};

constexpr uint16_t VrCode(char first, char second) {
  return static_cast<uint16_t>((static_cast<unsigned char>(first) << 8) |
                               static_cast<unsigned char>(second));
}

// The VRs encoded here; any other (SQ, OB, FL, AT, ...) is left to DcmDataset.
std::optional<VrInfo> InfoOf(std::string_view vr) {
  if (vr.size() != 2) return std::nullopt;
  switch (VrCode(vr[0], vr[1])) {
    case VrCode('A', 'E'): case VrCode('A', 'S'): case VrCode('C', 'S'): case VrCode('D', 'A'):
    case VrCode('D', 'S'): case VrCode('D', 'T'): case VrCode('I', 'S'): case VrCode('L', 'O'):
    case VrCode('L', 'T'): case VrCode('P', 'N'): case VrCode('S', 'H'): case VrCode('S', 'T'):
    case VrCode('T', 'M'):
      return VrInfo{ValueKind::kText, false};
    case VrCode('U', 'C'): case VrCode('U', 'R'): case VrCode('U', 'T'):
      return VrInfo{ValueKind::kText, true};
    case VrCode('U', 'I'): return VrInfo{ValueKind::kUid, false};
    case VrCode('U', 'S'): return VrInfo{ValueKind::kUnsigned16, false};
    case VrCode('S', 'S'): return VrInfo{ValueKind::kSigned16, false};
    case VrCode('U', 'L'): return VrInfo{ValueKind::kUnsigned32, false};
    case VrCode('S', 'L'): return VrInfo{ValueKind::kSigned32, false};
    default: return std::nullopt;
  }
}

// One value of a binary integer VR, as DCMTK's putString reads it from the
// text; only plain decimal digits (a '-' for the signed VRs) within range,
// so that no parser leniency can make the two paths differ.
template <typename T>
bool PutInteger(std::string_view text, std::string* out) {
  if (text.empty() || text.front() == '+') return false;
  if constexpr (std::numeric_limits<T>::is_signed) {
    int64_t parsed = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (ec != std::errc() || end != text.data() + text.size()) return false;
    if (parsed < std::numeric_limits<T>::min() || parsed > std::numeric_limits<T>::max()) {
      return false;
    }
    AppendLittleEndian(out, static_cast<uint64_t>(static_cast<T>(parsed)), sizeof(T));
  } else {
    uint64_t parsed = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (ec != std::errc() || end != text.data() + text.size()) return false;
    if (parsed > std::numeric_limits<T>::max()) return false;
    AppendLittleEndian(out, parsed, sizeof(T));
  }
  return true;
}

// Appends the value field of one attribute, before its padding (PS3.5 6.2:
// values joined by '\'; PS3.5 6.4: binary values in little endian). False
// when DcmDataset must encode it.
bool PutValue(const query::ResponseAttribute& a, ValueKind kind, std::string* value) {
  if (kind == ValueKind::kText || kind == ValueKind::kUid) {
    for (size_t k = 0; k < a.values.size(); ++k) {
      const std::string& v = a.values[k];
      // DcmDataset's path puts the joined value as a C string (a NUL ends
      // it) and DCMTK corrects spaces in UIDs.
      if (v.find('\0') != std::string::npos) return false;
      if (kind == ValueKind::kUid && v.find(' ') != std::string::npos) return false;
      if (k > 0) value->push_back('\\');
      value->append(v);
    }
    return true;
  }
  // An empty value is a zero-length element; a multi-valued one may not
  // have empty values.
  if (a.values.size() == 1 && a.values.front().empty()) return true;
  for (const std::string& v : a.values) {
    bool ok = false;
    switch (kind) {
      case ValueKind::kUnsigned16: ok = PutInteger<uint16_t>(v, value); break;
      case ValueKind::kSigned16: ok = PutInteger<int16_t>(v, value); break;
      case ValueKind::kUnsigned32: ok = PutInteger<uint32_t>(v, value); break;
      case ValueKind::kSigned32: ok = PutInteger<int32_t>(v, value); break;
      default: break;
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::optional<IdentifierSyntax> IdentifierSyntaxFor(E_TransferSyntax transfer_syntax) {
  switch (transfer_syntax) {
    case EXS_LittleEndianImplicit: return IdentifierSyntax::kImplicitLittle;
    case EXS_LittleEndianExplicit: return IdentifierSyntax::kExplicitLittle;
    default: return std::nullopt;
  }
}

bool EncodeIdentifier(const query::FindMatch& match, IdentifierSyntax syntax, std::string* out) {
  // DIMSE refuses to send an empty data set.
  if (match.attributes.empty()) return false;
  const size_t start = out->size();
  const query::ResponseAttribute* previous = nullptr;
  for (const query::ResponseAttribute& a : match.attributes) {
    // PS3.5 7.1: ascending tag order, each tag once. Group lengths
    // (gggg,0000), which DCMTK recalculates, and the item and padding tags
    // stay with DcmDataset.
    const bool in_order = previous == nullptr || previous->tag < a.tag;
    const auto info = InfoOf(a.vr);
    if (!in_order || !info || a.tag.element == 0x0000 || a.tag.group == 0xFFFE ||
        a.tag.group == 0xFFFC || !a.items.empty()) {
      out->resize(start);
      return false;
    }
    previous = &a;
    // The element's header (PS3.5 7.1.2, 7.1.3), its length filled in once
    // the value is written after it.
    char header[12];
    PutLittleEndian(header, a.tag.group, 2);
    PutLittleEndian(header + 2, a.tag.element, 2);
    size_t header_size = 8;
    size_t length_at = 4;
    int length_bytes = 4;  // Implicit VR: always 4 bytes
    if (syntax == IdentifierSyntax::kExplicitLittle) {
      header[4] = a.vr[0];
      header[5] = a.vr[1];
      if (info->long_length) {
        PutLittleEndian(header + 6, 0, 2);  // reserved
        length_at = 8;
        header_size = 12;
      } else {
        length_at = 6;
        length_bytes = 2;
      }
    }
    const size_t element = out->size();
    out->append(header, header_size);
    if (!PutValue(a, info->kind, out)) {
      out->resize(start);
      return false;
    }
    size_t length = out->size() - element - header_size;
    if (length % 2 != 0) {  // PS3.5 6.2: a space, or NUL for UI
      out->push_back(info->kind == ValueKind::kUid ? '\0' : ' ');
      ++length;
    }
    if (length > (info->long_length ? 0xFFFFFFFEu : 0xFFFEu)) {
      out->resize(start);
      return false;
    }
    PutLittleEndian(out->data() + element + length_at, length, length_bytes);
  }
  return true;
}

}  // namespace pixeldex::server
