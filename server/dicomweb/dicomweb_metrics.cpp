#include "server/dicomweb/dicomweb_metrics.h"

#include <chrono>

#include "server/http/router.h"

namespace pixeldex::server {

std::string_view DicomwebResourceKind(const std::string& method, const std::string& path) {
  const std::vector<std::string> segments = SplitPath(path);
  if (segments.empty() || segments.front() != "dicom-web") return "";
  if (method == "POST") return "stow";
  if (method == "OPTIONS") return "capabilities";
  if (method != "GET" && method != "HEAD") return "other";
  const std::string& last = segments.back();
  if (last == "metadata") return "metadata";
  if (last == "studies" || last == "series" || last == "instances") return "qido";
  return "wado";
}

void CountDicomwebRequest(metrics::ServerMetrics& metrics, const HttpRequest& request,
                          const HttpResponse& response) {
  const std::string_view kind = DicomwebResourceKind(request.method, request.Path());
  if (kind.empty()) return;
  const std::string status_class = std::to_string(response.status / 100) + "xx";
  metrics.dicomweb_requests.Increment({kind, status_class});
  metrics.dicomweb_seconds.Observe(
      kind, std::chrono::duration<double>(std::chrono::steady_clock::now() - request.received_at)
                .count());
}

}  // namespace pixeldex::server
