// FUZZ_CHECK: how a fuzz target states an invariant. When one does not hold, the target says
// which, with the input's relevant part printed readably, and aborts: libFuzzer reports that
// as a crash and keeps the input. (assert() would vanish under NDEBUG, and says too little.)
// Runs in: the fuzz targets only (fuzz/*_fuzzer.cc).
#ifndef MPMD_FUZZ_CHECK_H
#define MPMD_FUZZ_CHECK_H

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace mpmd::fuzz {

// `bytes` with every byte outside printable ASCII (and the backslash) as \xHH.
inline std::string printable(std::string_view bytes)
{
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (const char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out.push_back(ch);
        } else {
            out += "\\x";
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        }
    }
    return out;
}

[[noreturn]] inline void fail(const char* condition, const std::string& context, const char* file, int line)
{
    std::fprintf(stderr, "%s:%d: invariant does not hold: %s\n  %s\n", file, line, condition, context.c_str());
    std::abort();
}

} // namespace mpmd::fuzz

// `context` (a std::string) is only built when the check fails, so checks stay cheap.
#define FUZZ_CHECK(condition, context)                                             \
    do {                                                                           \
        if (!(condition))                                                          \
            ::mpmd::fuzz::fail(#condition, (context), __FILE__, __LINE__);         \
    } while (0)

#endif
