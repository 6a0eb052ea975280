#include "server/find/find_identifier.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcelem.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcvr.h>

#include <string>

#include "catalog/metadata/dataset_text.h"

namespace pixeldex::server {
namespace {

std::vector<query::QueryKey> ItemToKeys(DcmItem& item) {
  std::vector<query::QueryKey> keys;
  for (unsigned long k = 0; k < item.card(); ++k) {
    DcmElement* element = item.getElement(k);
    if (element == nullptr) continue;
    const DcmTag& tag = element->getTag();
    query::QueryKey key;
    key.tag = {tag.getGTag(), tag.getETag()};
    key.vr = DcmVR(element->ident()).getVRName();
    if (element->ident() == EVR_SQ) {
      auto* sequence = static_cast<DcmSequenceOfItems*>(element);
      for (unsigned long n = 0; n < sequence->card(); ++n) {
        if (DcmItem* sub = sequence->getItem(n)) key.items.push_back(ItemToKeys(*sub));
      }
    } else if (element->getLength() > 0) {
      OFString value;
      // normalize=true strips the padding of each value.
      if (element->getOFStringArray(value, OFTrue).good()) key.value = value.c_str();
    }
    keys.push_back(std::move(key));
  }
  return keys;
}

Status FillItem(DcmItem& item, const std::vector<query::ResponseAttribute>& attributes) {
  for (const query::ResponseAttribute& a : attributes) {
    // With a VR given, no dictionary look-up (a shared, locked map) is needed.
    const DcmTagKey key(a.tag.group, a.tag.element);
    DcmTag tag = a.vr.empty() ? DcmTag(key) : DcmTag(key, DcmVR(a.vr.c_str()));
    if (tag.getEVR() == EVR_SQ) {
      auto sequence = std::make_unique<DcmSequenceOfItems>(tag);
      for (const auto& item_attributes : a.items) {
        auto sub = std::make_unique<DcmItem>();
        PIXELDEX_RETURN_IF_ERROR(FillItem(*sub, item_attributes));
        if (sequence->append(sub.get()).bad()) return Status::Internal("cannot append item");
        sub.release();
      }
      if (item.insert(sequence.get(), OFTrue).bad()) {
        return Status::Internal("cannot insert " + a.tag.ToString());
      }
      sequence.release();
      continue;
    }
    std::string value;
    for (size_t k = 0; k < a.values.size(); ++k) {
      if (k > 0) value += '\\';
      value += a.values[k];
    }
    // newDicomElementWithVR + putString serve every VR, numeric ones too.
    DcmElement* raw = nullptr;
    OFCondition cond = DcmItem::newDicomElementWithVR(raw, tag);
    std::unique_ptr<DcmElement> element(raw);
    if (cond.good() && !value.empty()) cond = element->putString(value.c_str());
    if (cond.good()) cond = item.insert(element.get(), OFTrue);
    if (cond.bad()) {
      return Status::Internal("cannot put " + a.tag.ToString() + " (" + a.vr + "): " +
                              cond.text());
    }
    element.release();
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<query::QueryKey>> IdentifierToKeys(DcmDataset& identifier) {
  // PS3.5 6.1: values arrive in the identifier's character set; the query
  // module works in UTF-8, decoded as stored instances are.
  const metadata::TextDecodingReport text = metadata::DecodeTextToUtf8(identifier);
  if (!text.unknown_terms.empty()) {
    return Status::Unsupported("cannot decode Specific Character Set '" +
                               text.declared_character_set + "': " + text.Describe());
  }
  return ItemToKeys(identifier);
}

Result<std::unique_ptr<DcmDataset>> MatchToDataset(const query::FindMatch& match) {
  auto dataset = std::make_unique<DcmDataset>();
  PIXELDEX_RETURN_IF_ERROR(FillItem(*dataset, match.attributes));
  return dataset;
}

}  // namespace pixeldex::server
