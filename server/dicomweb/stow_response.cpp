#include "server/dicomweb/stow_response.h"

#include <algorithm>

#include "server/dicomweb/dicom_json_writer.h"
#include "server/dicomweb/dicomweb_tags.h"

namespace pixeldex::server {
namespace {

using query::ResponseAttribute;

constexpr size_t kErrorCommentChars = 64;

std::string InstanceUrl(const std::string& root, const StowPartResult& r) {
  if (root.empty()) return {};
  return root + "/studies/" + r.study_instance_uid + "/series/" + r.series_instance_uid +
         "/instances/" + r.sop_instance_uid;
}

// LO: at most 64 characters, and no backslash (PS3.5 6.2: it separates values).
std::string ErrorComment(const std::string& reason) {
  std::string comment = reason.substr(0, kErrorCommentChars);
  std::replace(comment.begin(), comment.end(), '\\', '/');
  return comment;
}

std::vector<ResponseAttribute> FailureItem(const StowPartResult& r, bool with_uids) {
  std::vector<ResponseAttribute> item;
  item.push_back(SingleValued(kErrorComment, "LO", ErrorComment(r.reason)));
  if (with_uids) {
    item.push_back(SingleValued(kReferencedSopClassUid, "UI", r.sop_class_uid));
    item.push_back(SingleValued(kReferencedSopInstanceUid, "UI", r.sop_instance_uid));
  }
  item.push_back(SingleValued(kFailureReason, "US", std::to_string(r.status)));
  return item;
}

// The study's URL when every stored instance is of one study, else "".
std::string StudyUrl(const std::vector<StowPartResult>& results, const std::string& root) {
  std::string study;
  for (const StowPartResult& r : results) {
    if (r.status != 0) continue;
    if (!study.empty() && study != r.study_instance_uid) return {};
    study = r.study_instance_uid;
  }
  return root.empty() || study.empty() ? std::string() : root + "/studies/" + study;
}

}  // namespace

HttpResponse StoreInstancesResponse(const std::vector<StowPartResult>& results,
                                    const std::string& root) {
  ResponseAttribute referenced{kReferencedSopSequence, "SQ", {}, {}};
  ResponseAttribute failed{kFailedSopSequence, "SQ", {}, {}};
  ResponseAttribute other{kOtherFailuresSequence, "SQ", {}, {}};
  for (const StowPartResult& r : results) {
    if (r.status == 0) {
      referenced.items.push_back({SingleValued(kReferencedSopClassUid, "UI", r.sop_class_uid),
                                  SingleValued(kReferencedSopInstanceUid, "UI", r.sop_instance_uid),
                                  SingleValued(kRetrieveUrl, "UR", InstanceUrl(root, r))});
    } else if (!r.sop_class_uid.empty() && !r.sop_instance_uid.empty()) {
      failed.items.push_back(FailureItem(r, true));
    } else {
      other.items.push_back(FailureItem(r, false));
    }
  }
  // PS3.18 Table I.1-1: the sequences are 1C, present only when not empty.
  std::vector<ResponseAttribute> attributes = {
      SingleValued(kRetrieveUrl, "UR", StudyUrl(results, root))};
  for (ResponseAttribute* sequence : {&failed, &referenced, &other}) {
    if (!sequence->items.empty()) attributes.push_back(std::move(*sequence));
  }
  std::string body;
  AppendDicomJsonObject(body, attributes);
  const size_t stored = static_cast<size_t>(
      std::count_if(results.begin(), results.end(), [](const auto& r) { return r.status == 0; }));
  // PS3.18 Table 10.5.3-1.
  const unsigned status = stored == results.size() ? 200 : stored > 0 ? 202 : 409;
  return HttpResponse{status, "application/dicom+json", std::move(body)};
}

}  // namespace pixeldex::server
