// See log_watch.h.
#include "master/log_watch.h"

namespace mpmd {

namespace {

// Checks in a row a path must look wrong before the file is reopened (see log_watch.h).
constexpr int kChecksBeforeReopen = 2;

} // namespace

size_t LogWatch::check(LogFileCache& logs, ErrorLog& error_log)
{
    size_t reopened = 0;
    if (error_log.is_file() && check_one(error_log.file(), "error log", nullptr, &error_log))
        ++reopened;
    for (const std::shared_ptr<LogFile>& file : logs.files()) {
        if (check_one(*file, "access log", file.get(), nullptr))
            ++reopened;
    }
    return reopened;
}

// Reopens through `error_log` (which re-points fd 2 as well) or through `reopen_target`.
bool LogWatch::check_one(const LogFile& file, const char* what, LogFile* reopen_target, ErrorLog* error_log)
{
    const std::string path = file.path();
    const LogPathState state = file.path_state();
    if (state == LogPathState::Same || state == LogPathState::Unknown) {
        suspects_.erase(path);
        return false;
    }
    Suspect& suspect = suspects_[path];
    if (++suspect.checks < kChecksBeforeReopen)
        return false;
    const char* how = state == LogPathState::Missing ? "removed" : "renamed away and replaced by another file";
    std::string error;
    const bool ok = error_log != nullptr ? error_log->reopen(&error, false) : reopen_target->reopen(&error);
    if (!ok) {
        if (!suspect.reported_failure)
            log_error(LogLevel::Error, "core",
                      "%s %s was %s while in use, and a new one cannot be opened: %s; trying again every second",
                      what, path.c_str(), how, error.c_str());
        suspect.reported_failure = true;
        return false;
    }
    suspects_.erase(path);
    log_error(LogLevel::Error, "core",
              "%s %s was %s while in use (lines written since then went to the old file); logging resumes in "
              "a new file under that name", what, path.c_str(), how);
    return true;
}

} // namespace mpmd
