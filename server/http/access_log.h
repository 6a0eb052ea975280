#pragma once
// One log line per HTTP request: method, path with the query's values
// removed (they may name patients), status, bytes sent, milliseconds, user.
// Thread-safe (through catalog/common/log.h).

#include <string>

#include "server/http/http_message.h"

namespace pixeldex::server {

// "/dicom-web/studies?PatientName=&limit=" for
// "/dicom-web/studies?PatientName=Doe*&limit=5".
std::string TargetWithoutQueryValues(const std::string& target);

// `user` is "-" for anonymous requests.
void LogHttpRequest(const HttpRequest& request, const HttpResponse& response,
                    const std::string& user);

// The same line, but for an answer whose size is known only once it is sent
// (a stream without a size: chunked) not now: when it has been sent, with
// the bytes actually sent (HttpResponse::on_sent) and the time until then.
void LogHttpRequestWhenSent(const HttpRequest& request, HttpResponse& response,
                            const std::string& user);

}  // namespace pixeldex::server
