#include "server/dicomweb/qido_service.h"

#include <limits>
#include <span>
#include <string_view>

#include "catalog/common/log.h"
#include "catalog/query/find_engine.h"
#include "server/dicomweb/accept_header.h"
#include "server/dicomweb/dicom_json_writer.h"
#include "server/dicomweb/dicomweb_tags.h"
#include "server/dicomweb/qido_search.h"
#include "server/dicomweb/service_root.h"
#include "server/dicomweb/uid_segment.h"

namespace pixeldex::server {
namespace {

using query::QueryLevel;
using query::Tag;

std::string_view FirstValue(const query::FindMatch& match, Tag tag) {
  const query::ResponseAttribute* attribute = match.Find(tag);
  return attribute && !attribute->values.empty() ? std::string_view(attribute->values.front())
                                                 : std::string_view();
}

// PS3.18 Tables 10.6.3-3 to -5: Instance Availability (everything indexed is
// ONLINE) and Retrieve URL (the WADO-RS resource of the match), in tag order;
// one pair reused for every match of a search.
class ServiceAttributes {
 public:
  ServiceAttributes()
      : attributes_{{kInstanceAvailability, "CS", {"ONLINE"}, {}}, {kRetrieveUrl, "UR", {""}, {}}} {}

  // The pair for `match` (an empty URL, without a service root, is a
  // zero-length value).
  std::span<const query::ResponseAttribute> For(const query::FindMatch& match, QueryLevel level,
                                                const std::string& root) {
    std::string& url = attributes_[1].values.front();
    url.clear();
    if (!root.empty()) {
      url.append(root).append("/studies/").append(FirstValue(match, query::kStudyInstanceUid));
      if (level >= QueryLevel::kSeries) {
        url.append("/series/").append(FirstValue(match, query::kSeriesInstanceUid));
      }
      if (level == QueryLevel::kImage) {
        url.append("/instances/").append(FirstValue(match, query::kSopInstanceUid));
      }
    }
    return attributes_;
  }

 private:
  std::vector<query::ResponseAttribute> attributes_;
};

struct QidoPage {
  std::string json;  // the JSON array of the matches
  size_t matches = 0;
  bool capped = false;  // the server's cap, not the client's limit, ended the page
  bool unsupported_matching = false;
};

// The one hook from QIDO-RS to the C-FIND engine. offset and limit (PS3.18
// 8.3.4.4) are the engine's window, applied in its SQL, so a deep page costs
// what the first does; the server's cap asks for one match more, to tell
// whether it ended the page.
Result<QidoPage> RunQidoSearch(query::IndexReader& reader, const QidoSearch& search,
                               const query::FindOptions& options, const std::string& root) {
  query::FindOptions engine = options;
  engine.max_results = 0;
  size_t wanted = search.limit.value_or(std::numeric_limits<size_t>::max());
  const bool server_caps = options.max_results > 0 && options.max_results < wanted;
  query::FindPage window{search.offset, search.limit};
  if (server_caps) {
    wanted = options.max_results;
    window.limit = wanted + 1;
  }
  auto cursor = query::FindCursor::Open(reader, search.request, engine, query::ReadWatch{}, window);
  if (!cursor.ok()) return cursor.status();
  QidoPage page;
  page.unsupported_matching = cursor->unsupported_matching();
  query::FindMatch match;  // reused from match to match
  ServiceAttributes service;
  page.json = "[";
  for (;;) {
    auto next = cursor->Next(&match);
    if (!next.ok()) return next.status();
    if (!*next) break;
    if (page.matches == wanted) {
      page.capped = server_caps;
      break;
    }
    if (page.matches++ > 0) page.json += ',';
    AppendDicomJsonObject(page.json, match.attributes,
                          service.For(match, search.request.level, root));
  }
  page.json += ']';
  return page;
}

HttpResponse Search(const DicomwebContext& context, QueryLevel level, const HttpRequest& request,
                    const PathParams& params) {
  if (!AcceptsDicomJson(request.Header("accept"))) {
    return HttpResponse::Text(406, "QIDO-RS answers application/dicom+json only");
  }
  QidoScope scope{level, {}, {}};
  if (params.count("study")) {
    auto study = ValidUidSegment(params.at("study"), "Study Instance UID");
    if (!study.ok()) return HttpResponse::Text(400, study.status().message());
    scope.study = *study;
  }
  if (params.count("series")) {
    auto series = ValidUidSegment(params.at("series"), "Series Instance UID");
    if (!series.ok()) return HttpResponse::Text(400, series.status().message());
    scope.series = *series;
  }
  auto query = ParseQueryString(request.Query());
  if (!query.ok()) return HttpResponse::Text(400, query.status().message());
  auto search = ParseQidoSearch(scope, *query);
  if (!search.ok()) return HttpResponse::Text(400, search.status().message());

  auto reader = context.open_index_reader();
  if (!reader.ok()) {
    LogError("qido: cannot open the index: {}", reader.status().ToString());
    return HttpResponse::Text(503, "the index cannot be read");
  }
  const std::string root = ServiceRoot(request, context.scheme);
  auto page = RunQidoSearch(**reader, *search, context.find_options, root);
  if (!page.ok()) {
    if (page.status().code() == Status::Code::kInvalidArgument) {
      return HttpResponse::Text(400, page.status().message());
    }
    LogError("qido: search failed: {}", page.status().ToString());
    return HttpResponse::Text(500, "the search failed");
  }
  HttpResponse response{page->matches == 0 ? 204u : 200u, "application/dicom+json",
                        page->matches == 0 ? "" : std::move(page->json)};
  if (search->fuzzy_matching) {
    response.AddWarning("The fuzzymatching parameter is not supported. Only literal "
                       "matching has been performed.");
  }
  if (page->capped) {
    response.AddWarning("The number of results exceeded the maximum supported by the "
                       "server. Additional results can be requested.");
  }
  if (page->unsupported_matching) {
    response.AddWarning("Matching on the Number of Related ... attributes is not "
                       "supported; their values were ignored.");
  }
  return response;
}

}  // namespace

void AddQidoRoutes(Router& router, std::shared_ptr<const DicomwebContext> context) {
  const std::pair<const char*, QueryLevel> routes[] = {
      {"/dicom-web/studies", QueryLevel::kStudy},
      {"/dicom-web/series", QueryLevel::kSeries},
      {"/dicom-web/instances", QueryLevel::kImage},
      {"/dicom-web/studies/{study}/series", QueryLevel::kSeries},
      {"/dicom-web/studies/{study}/instances", QueryLevel::kImage},
      {"/dicom-web/studies/{study}/series/{series}/instances", QueryLevel::kImage},
  };
  for (const auto& [pattern, level] : routes) {
    router.Add("GET", pattern, RouteAccess::kRead,
               [context, level = level](const HttpRequest& request, const PathParams& params) {
                 return Search(*context, level, request, params);
               });
  }
}

}  // namespace pixeldex::server
