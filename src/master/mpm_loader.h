// Which MPM the server runs: the one linked into the binary, or the one a [modules]
// LoadModule line loads from a shared object (mod_mpm_NAME.so), and exactly one of them,
// with Apache's messages ("Configuration error: More than one MPM loaded.") located at the
// LoadModule line. LoadModule lines of other modules are module_loader.h's.
// Runs in: master (at start and for -t and -V; children inherit the mapping through fork).
// Leans on: dlopen(3), dlsym(3), dlerror(3), opendir(3).
#ifndef MPMD_MASTER_MPM_LOADER_H
#define MPMD_MASTER_MPM_LOADER_H

#include "mpm/mpm.h"
#include "shared/config.h"
#include "shared/server_config.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mpmd {

struct MpmChoice {
    Mpm* mpm = nullptr;                     // nullptr exactly when errors is not empty
    std::optional<LoadModuleSetting> loaded_by;   // the LoadModule line; none = linked in
    std::vector<ConfigMessage> errors;      // file:line: [modules] LoadModule: ...
};

// Loads every LoadModule of `server` (RTLD_NOW, so a module that does not fit this binary
// fails here with dlerror()) and decides the MPM. `linked` is linked_in_mpm().
// `config_file` locates messages that belong to no line (no MPM at all); `module_dir` is
// where `make install` puts the modules ($(libexecdir)/mpmd): the mod_mpm_*.so found there
// and under ServerRoot/libexec/mpmd are offered as the LoadModule lines to add.
// Handles are never closed: an MPM's code stays mapped for the life of the process.
MpmChoice choose_mpm(Mpm* linked, const ServerConfig& server, const std::string& config_file,
                     const std::string& module_dir);

// Whether a LoadModule name is an MPM's ("mpm_event_module": mpm_*_module).
bool is_mpm_module_name(std::string_view name);

// "LoadModule = mpm_NAME_module PATH" for each mod_mpm_NAME.so in `dirs` (the first
// directory holding a name wins), PATH relative to `server_root` when under it.
std::vector<std::string> mpm_module_lines(const std::vector<std::string>& dirs,
                                          const std::string& server_root);

} // namespace mpmd

#endif
