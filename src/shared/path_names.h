// The names of a file system path, as a walk with openat(2) takes them one at a time: split
// at '/', with the empty names of "//" and a trailing '/' and the "." names dropped (".." is
// kept: only the walk knows where it leads). "/var//log/./mpmd" gives var, log, mpmd.
// Runs in: both.
#ifndef MPMD_SHARED_PATH_NAMES_H
#define MPMD_SHARED_PATH_NAMES_H

#include <string_view>
#include <vector>

namespace mpmd {

// Views into `path`, which must outlive them.
inline std::vector<std::string_view> path_names(std::string_view path)
{
    std::vector<std::string_view> names;
    size_t start = 0;
    while (start <= path.size()) {
        size_t end = path.find('/', start);
        if (end == std::string_view::npos)
            end = path.size();
        const std::string_view name = path.substr(start, end - start);
        if (!name.empty() && name != ".")
            names.push_back(name);
        start = end + 1;
    }
    return names;
}

} // namespace mpmd

#endif
