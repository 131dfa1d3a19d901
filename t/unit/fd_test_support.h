// Helpers for unit tests that work on real files: read a descriptor whole, remove a tree.
#ifndef MPMD_T_UNIT_FD_TEST_SUPPORT_H
#define MPMD_T_UNIT_FD_TEST_SUPPORT_H

#include <cstdio>
#include <ftw.h>
#include <string>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

namespace test_support {

// Everything from offset 0 to the end, with pread (the descriptor's offset is left alone).
inline std::string read_all(int fd)
{
    std::string out;
    char buf[256];
    ssize_t n;
    while ((n = ::pread(fd, buf, sizeof buf, static_cast<off_t>(out.size()))) > 0)
        out.append(buf, static_cast<size_t>(n));
    return out;
}

// rm -rf, links removed and never followed.
inline void remove_tree(const std::string& path)
{
    ::nftw(path.c_str(), [](const char* p, const struct stat*, int, struct FTW*) { return ::remove(p); }, 16,
           FTW_DEPTH | FTW_PHYS);
}

} // namespace test_support

#endif
