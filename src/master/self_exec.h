// SelfExec: how this mpmd was started (the executable's absolute path as invoked and the
// whole argv), recorded at start so a binary upgrade (USR2) can run the binary now installed
// at that path with the same arguments, as nginx re-executes itself.
// The path is argv[0] resolved against the start-up directory, or searched in PATH: never
// /proc/self/exe, which names the running inode (the old binary, deleted once replaced).
// Runs in: master (recorded before daemonizing changes the directory).
// Leans on: execve(2), execvp(3)'s PATH search rules, access(2) X_OK.
#ifndef MPMD_MASTER_SELF_EXEC_H
#define MPMD_MASTER_SELF_EXEC_H

#include <functional>
#include <string>
#include <vector>

namespace mpmd {

struct SelfExec {
    std::string path;               // absolute; "" when argv[0] could not be resolved
    std::vector<std::string> argv;  // argv[0] as given, then every argument
    std::string cwd;                // the start-up directory: relative arguments (-f, -d) mean it
    std::string problem;            // why `path` is empty
};

// The absolute path of `argv0`: with a '/', joined to `cwd` unless already absolute; without
// one, the first PATH entry (an empty entry is the current directory, as for execvp) where
// `executable(candidate)` holds. "" with *problem set when nothing fits.
std::string resolve_executable(const std::string& argv0, const std::string& cwd, const std::string& path_env,
                               const std::function<bool(const std::string&)>& executable, std::string* problem);

// Records argv and the directory, and resolves argv[0] against getcwd(3), $PATH and access(2).
SelfExec record_self_exec(int argc, char** argv);

} // namespace mpmd

#endif
