#include "catalog/metadata/unknown_vr.h"

#include <dcmtk/dcmdata/dcbytstr.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcvr.h>

#include <cstring>
#include <memory>
#include <string>

namespace pixeldex::metadata {
namespace {

// Puts `bytes` (the UN value: PS3.5 6.2.2, encoded as the data set's byte
// order, little endian here) into `element` of the dictionary VR.
OFCondition PutBinary(DcmElement& element, const Uint8* bytes, Uint32 length) {
  switch (element.ident()) {
    case EVR_US:
      return element.putUint16Array(reinterpret_cast<const Uint16*>(bytes), length / 2);
    case EVR_SS:
      return element.putSint16Array(reinterpret_cast<const Sint16*>(bytes), length / 2);
    case EVR_UL:
      return element.putUint32Array(reinterpret_cast<const Uint32*>(bytes), length / 4);
    case EVR_SL:
      return element.putSint32Array(reinterpret_cast<const Sint32*>(bytes), length / 4);
    case EVR_FL:
      return element.putFloat32Array(reinterpret_cast<const Float32*>(bytes), length / 4);
    case EVR_FD:
      return element.putFloat64Array(reinterpret_cast<const Float64*>(bytes), length / 8);
    default:
      return EC_IllegalCall;
  }
}

// The element of the dictionary VR holding `un`'s value, or nullptr.
std::unique_ptr<DcmElement> Reread(DcmElement& un, bool little_endian) {
  const DcmTag dictionary(un.getTag().getXTag());  // looks the VR up
  const DcmEVR vr = dictionary.getEVR();
  if (vr == EVR_UN || vr == EVR_SQ || un.getTag().isPrivate()) return nullptr;
  DcmElement* raw = nullptr;
  if (DcmItem::newDicomElementWithVR(raw, dictionary).bad() || raw == nullptr) return nullptr;
  std::unique_ptr<DcmElement> element(raw);
  Uint8* bytes = nullptr;
  const Uint32 length = un.getLength();
  if (length > 0 && (un.getUint8Array(bytes).bad() || bytes == nullptr)) return nullptr;
  if (auto* text = dynamic_cast<DcmByteString*>(element.get())) {
    std::string value(reinterpret_cast<const char*>(bytes), length);
    while (!value.empty() && (value.back() == '\0' || value.back() == ' ')) value.pop_back();
    if (text->putString(value.c_str(), static_cast<Uint32>(value.size())).bad()) return nullptr;
    return element;
  }
  if (!little_endian || PutBinary(*element, bytes, length).bad()) return nullptr;
  return element;
}

void RereadItem(DcmItem& item, bool little_endian, std::vector<DcmTagKey>* top_level) {
  for (unsigned long k = 0; k < item.card(); ++k) {
    DcmElement* element = item.getElement(k);
    if (element == nullptr) continue;
    if (element->ident() == EVR_SQ) {
      auto* sequence = static_cast<DcmSequenceOfItems*>(element);
      for (unsigned long n = 0; n < sequence->card(); ++n) {
        if (DcmItem* sub = sequence->getItem(n)) RereadItem(*sub, little_endian, nullptr);
      }
      continue;
    }
    if (element->ident() != EVR_UN) continue;
    std::unique_ptr<DcmElement> reread = Reread(*element, little_endian);
    if (!reread) continue;
    const DcmTagKey tag = reread->getTag();
    if (item.insert(reread.get(), OFTrue).good()) {
      reread.release();
      if (top_level != nullptr) top_level->push_back(tag);
    }
  }
}

}  // namespace

std::vector<DcmTagKey> ReadUnknownVrWithDictionaryVr(DcmItem& dataset, E_TransferSyntax xfer) {
  std::vector<DcmTagKey> top_level;
  RereadItem(dataset, DcmXfer(xfer).getByteOrder() != EBO_BigEndian, &top_level);
  return top_level;
}

}  // namespace pixeldex::metadata
