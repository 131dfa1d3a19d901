// See self_exec.h.
#include "master/self_exec.h"

#include <unistd.h>

#include <climits>
#include <cstdlib>

namespace mpmd {

namespace {

std::string join_path(const std::string& dir, const std::string& name)
{
    if (dir.empty() || dir == ".")
        return name;
    return dir.back() == '/' ? dir + name : dir + "/" + name;
}

} // namespace

std::string resolve_executable(const std::string& argv0, const std::string& cwd, const std::string& path_env,
                               const std::function<bool(const std::string&)>& executable, std::string* problem)
{
    if (argv0.empty()) {
        *problem = "argv[0] is empty";
        return {};
    }
    if (argv0.find('/') != std::string::npos) {
        if (argv0.front() == '/')
            return argv0;
        if (cwd.empty() || cwd.front() != '/') {
            *problem = "argv[0] " + argv0 + " is relative and the start-up directory is unknown";
            return {};
        }
        return join_path(cwd, argv0);
    }
    size_t begin = 0;
    for (;;) {
        const size_t end = path_env.find(':', begin);
        const std::string dir = path_env.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
        std::string candidate = join_path(dir.empty() ? "." : dir, argv0);
        if (candidate.front() != '/')
            candidate = cwd.empty() ? std::string() : join_path(cwd, candidate);
        if (!candidate.empty() && executable(candidate))
            return candidate;
        if (end == std::string::npos)
            break;
        begin = end + 1;
    }
    *problem = argv0 + " is not an executable file in any PATH directory (" + path_env + ")";
    return {};
}

SelfExec record_self_exec(int argc, char** argv)
{
    SelfExec self;
    for (int i = 0; i < argc; ++i)
        self.argv.emplace_back(argv[i]);
    char cwd[PATH_MAX];
    const std::string dir = getcwd(cwd, sizeof cwd) != nullptr ? cwd : "";
    self.cwd = dir;
    const char* path_env = std::getenv("PATH");
    self.path = resolve_executable(
        self.argv.empty() ? std::string() : self.argv[0], dir, path_env ? path_env : "/usr/bin:/bin",
        [](const std::string& candidate) { return access(candidate.c_str(), X_OK) == 0; }, &self.problem);
    return self;
}

} // namespace mpmd
