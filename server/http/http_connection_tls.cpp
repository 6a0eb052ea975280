// The connection over TLS (Asio SSL, OpenSSL), instantiated in a file of its
// own (http_connection.h).

#include <boost/beast/ssl.hpp>

#include "server/http/http_connection_answer.ipp"
#include "server/http/http_connection_read.ipp"

namespace pixeldex::server {

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

template class HttpConnection<TlsStream>;

void ServeTlsConnection(tcp::socket socket, std::shared_ptr<HttpServerShared> shared) {
  auto& context = *shared->options.tls;
  std::make_shared<HttpConnection<TlsStream>>(TlsStream(beast::tcp_stream(std::move(socket)), context),
                                              std::move(shared))
      ->Start();
}

}  // namespace pixeldex::server
