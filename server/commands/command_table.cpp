#include "server/commands/command_table.h"

#include "server/commands/commands.h"

namespace pixeldex::server {
namespace {

constexpr CommandEntry kCommands[] = {
    {"serve", "DICOM listener: C-ECHO, C-STORE, C-FIND, C-GET, C-MOVE; DICOMweb with --http",
     RunServe},
    {"import", "catalog existing folders of DICOM files, on all cores", RunImport},
    {"thumbnail", "write the stored PNG thumbnail of one instance", RunThumbnail},
    {"thumbnails", "render missing (or --all) thumbnails from stored files", RunThumbnails},
    {"query", "run read-only SQL over the index (table, csv, json, jsonl)", RunQuery},
    {"reindex", "rebuild the index from the storage tree (server may keep running)", RunReindex},
    {"export", "copy a selection (SQL or UIDs) to a folder with a manifest; --deidentify",
     RunExport},
    {"delete", "delete instances (SQL or UIDs) crash-safe, with a reason; --dry-run", RunDelete},
    {"recycle", "apply retention and the size limit once (oldest unprotected studies)",
     RunRecycle},
    {"protect", "protect studies from retention and recycling", RunProtect},
    {"unprotect", "take studies off the protected list", RunUnprotect},
    {"check", "verify stored files against the index: missing, extra, hash mismatch", RunCheck},
    {"reconcile", "take over the in-flight files of a node that is gone (--node, PostgreSQL)",
     RunReconcile},
    {"index", "copy the index between SQLite and PostgreSQL; grant-reader: analysts' read access",
     RunIndex},
    {"hash-password", "print the salted hash of a password or a new token (http.users)",
     RunHashPassword},
};

}  // namespace

std::span<const CommandEntry> Commands() { return kCommands; }

const CommandEntry* FindCommand(std::string_view name) {
  for (const CommandEntry& command : kCommands) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

}  // namespace pixeldex::server
