// The connection over plain TCP, instantiated in a file of its own
// (http_connection.h).

#include "server/http/http_connection_answer.ipp"
#include "server/http/http_connection_read.ipp"

namespace pixeldex::server {

template class HttpConnection<beast::tcp_stream>;

void ServePlainConnection(tcp::socket socket, std::shared_ptr<HttpServerShared> shared) {
  std::make_shared<HttpConnection<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)),
                                                      std::move(shared))
      ->Start();
}

}  // namespace pixeldex::server
