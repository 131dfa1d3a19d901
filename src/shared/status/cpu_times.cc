// /proc/PID/stat reading for CPU times.
// Runs in: children.
#include "shared/status/cpu_times.h"

#include "shared/directive.h"   // parse_integer

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <string>

namespace mpmd {

CpuTimes& CpuTimes::operator+=(const CpuTimes& other)
{
    user += other.user;
    system += other.system;
    children_user += other.children_user;
    children_system += other.children_system;
    return *this;
}

std::optional<CpuTimes> parse_proc_stat_times(std::string_view line)
{
    const size_t paren = line.rfind(')');
    if (paren == std::string_view::npos)
        return std::nullopt;
    // After ") ": field 3 (state) onwards; utime is field 14, so the 12th word from here.
    std::string_view rest = line.substr(paren + 1);
    uint64_t values[4];
    int field = 2;
    size_t taken = 0;
    while (taken < 4) {
        const size_t start = rest.find_first_not_of(" \n");
        if (start == std::string_view::npos)
            return std::nullopt;
        rest.remove_prefix(start);
        const size_t end = std::min(rest.find_first_of(" \n"), rest.size());
        ++field;
        if (field >= 14) {
            const std::optional<long long> value = parse_integer(rest.substr(0, end));
            if (!value || *value < 0)
                return std::nullopt;
            values[taken++] = static_cast<uint64_t>(*value);
        }
        rest.remove_prefix(end);
    }
    return CpuTimes{values[0], values[1], values[2], values[3]};
}

std::optional<CpuTimes> read_cpu_times(pid_t pid)
{
    const std::string path = "/proc/" + std::to_string(pid) + "/stat";
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    char buffer[1024];
    const ssize_t got = read(fd, buffer, sizeof buffer);
    close(fd);
    if (got <= 0)
        return std::nullopt;
    return parse_proc_stat_times(std::string_view(buffer, static_cast<size_t>(got)));
}

double clock_ticks_per_second()
{
    const long ticks = sysconf(_SC_CLK_TCK);
    return ticks > 0 ? static_cast<double>(ticks) : 100.0;
}

} // namespace mpmd
