// The resource kinds DICOMweb requests are counted under on /metrics, and
// that a counted request lands in both the counter and the histogram.

#include "server/dicomweb/dicomweb_metrics.h"

#include <gtest/gtest.h>

namespace pixeldex::server {
namespace {

TEST(DicomwebMetricsTest, KindsFollowThePathShapeOfPs318Resources) {
  EXPECT_EQ(DicomwebResourceKind("GET", "/dicom-web/studies"), "qido");
  EXPECT_EQ(DicomwebResourceKind("HEAD", "/dicom-web/studies/1.2/series"), "qido");
  EXPECT_EQ(DicomwebResourceKind("GET", "/dicom-web/studies/1.2/series/3/instances"), "qido");
  EXPECT_EQ(DicomwebResourceKind("GET", "/dicom-web/studies/1.2/metadata"), "metadata");
  EXPECT_EQ(DicomwebResourceKind("GET", "/dicom-web/studies/1.2"), "wado");
  EXPECT_EQ(DicomwebResourceKind("GET", "/dicom-web/studies/1.2/series/3/instances/4/frames/1"),
            "wado");
  EXPECT_EQ(DicomwebResourceKind("POST", "/dicom-web/studies"), "stow");
  EXPECT_EQ(DicomwebResourceKind("OPTIONS", "/dicom-web"), "capabilities");
  EXPECT_EQ(DicomwebResourceKind("DELETE", "/dicom-web/studies/1.2"), "other");
  EXPECT_EQ(DicomwebResourceKind("GET", "/metrics"), "");
  EXPECT_EQ(DicomwebResourceKind("GET", "/dicom-webx/studies"), "");
}

TEST(DicomwebMetricsTest, ARequestIsCountedByStatusClassAndTimed) {
  metrics::ServerMetrics m;
  HttpRequest request;
  request.method = "POST";
  request.target = "/dicom-web/studies?x=1";
  CountDicomwebRequest(m, request, HttpResponse{202, "application/dicom+json", "{}"});
  CountDicomwebRequest(m, request, HttpResponse::Text(403, "read-only"));
  request.target = "/healthz";
  CountDicomwebRequest(m, request, HttpResponse::Text(200, "ok"));
  EXPECT_EQ(m.dicomweb_requests.value({"stow", "2xx"}), 1u);
  EXPECT_EQ(m.dicomweb_requests.value({"stow", "4xx"}), 1u);
  EXPECT_EQ(m.dicomweb_seconds.count("stow"), 2u);
  EXPECT_EQ(m.dicomweb_seconds.count(""), 0u);
}

}  // namespace
}  // namespace pixeldex::server
