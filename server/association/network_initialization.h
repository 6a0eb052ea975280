#pragma once
// DCMTK network initialization, one thread at a time per process.
// ASC_initializeNetwork (through DUL_InitializeNetwork) calls DUL_InitializeFSM,
// which rewrites DCMTK's process-wide state-machine table (dulfsm.cc) with
// sprintf on every call. Two threads initializing at once race on that table:
// ThreadSanitizer reported it for concurrent senders, and the server does it
// for concurrent C-MOVE sub-associations. Every ASC_initializeNetwork, direct or
// through DcmSCU::initNetwork, in code that may run beside another thread goes
// through here.

#include <dcmtk/dcmnet/assoc.h>

#include <mutex>

namespace pixeldex::server {

// Holds the process-wide initialization lock for the caller's scope; for
// callers whose initialization is inside DCMTK (DcmSCU::initNetwork).
std::unique_lock<std::mutex> LockNetworkInitialization();

// ASC_initializeNetwork under that lock; the same arguments and result.
OFCondition InitializeNetwork(T_ASC_NetworkRole role, int port, int acse_timeout_seconds,
                              T_ASC_Network** network);

}  // namespace pixeldex::server
