#pragma once
// What the kernel counted on a TCP socket, for tests of how the server's
// bytes are cut into segments (Linux TCP_INFO).

namespace pixeldex::testing {

// Segments carrying data that socket `fd` has received so far
// (tcpi_data_segs_in, RFC 4898 tcpEStatsDataSegsIn: pure ACKs not
// counted), or -1 when the kernel does not say.
long DataSegmentsReceived(int fd);

}  // namespace pixeldex::testing
