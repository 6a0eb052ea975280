#include "server/http/http_tls.h"

#include <openssl/ssl.h>

namespace pixeldex::server {

Result<std::shared_ptr<boost::asio::ssl::context>> MakeHttpTlsContext(const TlsSettings& tls) {
  namespace ssl = boost::asio::ssl;
  if (tls.certificate.empty() || tls.private_key.empty()) {
    return Status::InvalidArgument("http.tls needs tls.certificate and tls.private_key");
  }
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                       ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                       ssl::context::single_dh_use);
  boost::system::error_code ec;
  context->use_certificate_chain_file(tls.certificate, ec);
  if (ec) {
    return Status::InvalidArgument("tls.certificate " + tls.certificate + ": " + ec.message());
  }
  context->use_private_key_file(tls.private_key, ssl::context::pem, ec);
  if (ec || SSL_CTX_check_private_key(context->native_handle()) != 1) {
    return Status::InvalidArgument("tls.private_key " + tls.private_key +
                                   ": unreadable or not the key of tls.certificate");
  }
  return context;
}

}  // namespace pixeldex::server
