#pragma once
// Readiness notification for service managers (systemd Type=notify, see
// sd_notify(3)): when $NOTIFY_SOCKET names a Unix datagram socket, the state
// string (e.g. "READY=1", "STOPPING=1") is sent to it; otherwise nothing
// happens. Written without libsystemd; thread-safe.

namespace pixeldex::server {

// Sends `state` ("KEY=VALUE" lines) to $NOTIFY_SOCKET, if set; a failure is
// logged as a warning once per call, never fatal.
void NotifyServiceManager(const char* state);

}  // namespace pixeldex::server
