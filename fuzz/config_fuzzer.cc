// libFuzzer target: the config loader, load_config (src/mpm/mpm_config.h: Config::load and
// every typed view) on the input as an mpmd.conf. Whatever the text, the loader must answer
// with messages, never throw, crash, hang or leak (libFuzzer and LeakSanitizer watch for the
// last three). Every message must point into the file (file:line, a line that exists) and
// come in line order; a config that loads without errors must dump (Config::dump, what
// `mpmd -T` would print) to a text that loads again, without errors, to the same values.
// The text is handed over as a memfd(2) named by /proc/self/fd/N, since the loader reads a
// path: nothing is written to the disk and nothing is left behind.
// The loader checks the system too (DocumentRoot, TypesConfig, User), so the seeds name what
// every Debian machine has (DocumentRoot = /, TypesConfig = /dev/null), for the fuzzer to
// reach configs that load cleanly.
// Runs in: `make fuzz` (fuzz/local.am); seeds in fuzz/corpus/config/.
#include "check.h"

#include "mpm/mpm_config.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

using namespace mpmd;
using namespace mpmd::fuzz;

namespace {

// A memfd holding `text`, closed when this goes; path() opens it anew (read from offset 0).
class MemoryFile {
public:
    explicit MemoryFile(std::string_view text) : fd_(memfd_create("mpmd.conf", MFD_CLOEXEC))
    {
        FUZZ_CHECK(fd_ >= 0, std::string("memfd_create failed"));
        for (size_t done = 0; done < text.size();) {
            const ssize_t n = write(fd_, text.data() + done, text.size() - done);
            FUZZ_CHECK(n > 0, std::string("write to a memfd failed"));
            done += static_cast<size_t>(n);
        }
    }
    ~MemoryFile() { close(fd_); }
    MemoryFile(const MemoryFile&) = delete;
    MemoryFile& operator=(const MemoryFile&) = delete;

    std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

private:
    int fd_;
};

// `text` loaded as an mpmd.conf; *path is the name the messages give it.
LoadedConfig load(const std::string& text, std::string* path)
{
    const MemoryFile file(text);
    LoadOptions options;
    options.path = file.path();
    *path = options.path;
    return load_config(options);
}

// Messages name the file and a line of it (0: none), and come in line order, those of no
// line last (sort_messages).
void check_messages(const std::vector<ConfigMessage>& messages, const std::string& file, int lines,
                    const std::string& text)
{
    int previous = 0;
    for (const ConfigMessage& m : messages) {
        const auto context = [&] { return "message \"" + printable(m.str()) + "\" for \"" + printable(text) + "\""; };
        FUZZ_CHECK(!m.text.empty() && (m.file.empty() || m.file == file), context());
        FUZZ_CHECK(m.line >= 0 && m.line <= lines, context() + " (" + std::to_string(lines) + " lines)");
        const int order = m.line == 0 ? lines + 1 : m.line;
        FUZZ_CHECK(order >= previous, context() + ": out of line order");
        previous = order;
    }
}

std::string without_default_marks(std::string dump)
{
    for (size_t at; (at = dump.find("   ; default")) != std::string::npos;)
        dump.erase(at, 12);
    return dump;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::string path;
    const LoadedConfig config = load(text, &path);

    const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
    check_messages(config.errors, path, lines, text);
    check_messages(config.warnings, path, lines, text);
    if (!config.ok())
        return 0;

    const std::string dump = config.raw.dump();
    const LoadedConfig again = load(dump, &path);
    const auto context = [&] { return "config \"" + printable(text) + "\" dumped as \"" + printable(dump) + "\""; };
    FUZZ_CHECK(again.ok(), context() + " reloads with \"" + printable(again.errors.front().str()) + "\"");
    FUZZ_CHECK(again.raw.dump() == without_default_marks(dump),
               context() + " reloads as \"" + printable(again.raw.dump()) + "\"");
    return 0;
}
