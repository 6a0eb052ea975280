#include "tests/support/tcp_segments.h"

// linux/tcp.h, not netinet/tcp.h: glibc's tcp_info stops before the data
// segment counts. The two headers cannot share a file.
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>

namespace pixeldex::testing {

long DataSegmentsReceived(int fd) {
  tcp_info info{};
  socklen_t size = sizeof(info);
  if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &size) != 0) return -1;
  // A kernel older than 4.6 fills in less.
  if (size < offsetof(tcp_info, tcpi_data_segs_in) + sizeof(info.tcpi_data_segs_in)) return -1;
  return static_cast<long>(info.tcpi_data_segs_in);
}

}  // namespace pixeldex::testing
