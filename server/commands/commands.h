#pragma once
// The pixeldex subcommands. Each takes the full argv (argv[1] is its name),
// prints its own --help, and returns the process exit code: 0 success,
// 1 failure at run time, 2 bad usage.

namespace pixeldex::server {

int RunServe(int argc, char** argv);
int RunImport(int argc, char** argv);
int RunThumbnail(int argc, char** argv);
int RunThumbnails(int argc, char** argv);
int RunQuery(int argc, char** argv);
int RunReindex(int argc, char** argv);
int RunReconcile(int argc, char** argv);
int RunCheck(int argc, char** argv);
int RunExport(int argc, char** argv);
int RunDelete(int argc, char** argv);
int RunProtect(int argc, char** argv);
int RunUnprotect(int argc, char** argv);
int RunRecycle(int argc, char** argv);
int RunHashPassword(int argc, char** argv);
int RunIndex(int argc, char** argv);

}  // namespace pixeldex::server
