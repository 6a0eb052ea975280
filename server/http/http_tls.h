#pragma once
// The TLS context of the HTTPS listener (http.tls = true), from the [tls]
// certificate and private key the DICOM TLS port uses: TLS 1.2 or newer only
// (BCP 195, RFC 9325 4.1), no compression (RFC 9325 3.3). Client
// certificates are not asked for: HTTP callers authenticate with
// http.users / http.tokens.

#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "catalog/common/result.h"
#include "server/config/settings.h"

namespace pixeldex::server {

// InvalidArgument names the setting or file that is missing or wrong.
Result<std::shared_ptr<boost::asio::ssl::context>> MakeHttpTlsContext(const TlsSettings& tls);

}  // namespace pixeldex::server
