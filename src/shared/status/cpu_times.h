// CpuTimes: a process's CPU use as times(2) reports it (user, system, and the same for its
// reaped children), read for any pid from /proc/PID/stat, which every user may read.
// Runs in: children (the status page reads the master's and every child's times).
// Leans on: proc(5) /proc/PID/stat fields 14-17 (utime, stime, cutime, cstime, in clock
// ticks); sysconf(3) _SC_CLK_TCK.
#ifndef MPMD_SHARED_STATUS_CPU_TIMES_H
#define MPMD_SHARED_STATUS_CPU_TIMES_H

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace mpmd {

// Clock ticks (sysconf(_SC_CLK_TCK) per second), as struct tms holds them.
struct CpuTimes {
    uint64_t user = 0;
    uint64_t system = 0;
    uint64_t children_user = 0;     // of reaped children (the master: children that exited)
    uint64_t children_system = 0;

    uint64_t total() const { return user + system + children_user + children_system; }
    CpuTimes& operator+=(const CpuTimes& other);
};

// The times in one /proc/PID/stat line; the command name (field 2) may hold spaces and
// parentheses, so fields are counted from its last ')'. nullopt when the line is malformed.
std::optional<CpuTimes> parse_proc_stat_times(std::string_view line);
// nullopt when the process is gone or /proc is not mounted.
std::optional<CpuTimes> read_cpu_times(pid_t pid);
// sysconf(_SC_CLK_TCK), 100 if unknown.
double clock_ticks_per_second();

} // namespace mpmd

#endif
