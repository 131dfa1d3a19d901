// Choosing the MPM: the linked one, or one loaded by LoadModule (see mpm_loader.h).
// Runs in: master.
// Leans on: dlopen(3) (RTLD_NOW | RTLD_LOCAL), dlsym(3), dlerror(3), opendir(3), realpath(3).
#include "master/mpm_loader.h"

#include "mpm/mpm_registry.h"
#include "shared/directive.h"

#include <dirent.h>
#include <dlfcn.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <string_view>

namespace mpmd {
namespace {

constexpr std::string_view kMpmPrefix = "mpm_";
constexpr std::string_view kModuleSuffix = "_module";
constexpr std::string_view kFilePrefix = "mod_mpm_";
constexpr std::string_view kFileSuffix = ".so";

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool ends_with(std::string_view s, std::string_view suffix)
{
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

} // namespace

bool is_mpm_module_name(std::string_view name)
{
    return name.size() > kMpmPrefix.size() + kModuleSuffix.size() && starts_with(name, kMpmPrefix) &&
           ends_with(name, kModuleSuffix);
}

namespace {

std::string module_name_of(const Mpm& mpm) { return std::string(kMpmPrefix) + mpm.name() + std::string(kModuleSuffix); }

ConfigMessage at(const LoadModuleSetting& setting, const std::string& problem)
{
    return {setting.file, setting.line, "[modules] LoadModule: " + problem};
}

std::string last_dl_error()
{
    const char* error = dlerror();
    return error ? error : "unknown dlopen error";
}

// dlopen + dlsym + the entry point; nullptr with *problem set when the file is no MPM module.
Mpm* load_module(const LoadModuleSetting& setting, std::string* problem)
{
    void* handle = dlopen(setting.path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        *problem = "cannot load " + setting.name + ": " + last_dl_error();
        return nullptr;
    }
    dlerror();
    void* symbol = dlsym(handle, kMpmModuleSymbol);
    if (!symbol) {
        *problem = setting.path + " is not an mpmd MPM module: " + last_dl_error();
        return nullptr;
    }
    Mpm* mpm = reinterpret_cast<MpmModuleEntry>(symbol)();
    if (!mpm)
        *problem = setting.path + " is not an mpmd MPM module: " + kMpmModuleSymbol + "() gave no MPM";
    else if (module_name_of(*mpm) != setting.name)
        *problem = setting.path + " holds " + module_name_of(*mpm) + ", not " + setting.name;
    else
        return mpm;
    return nullptr;
}

std::string no_mpm_text(const ServerConfig& server, const std::string& module_dir)
{
    std::vector<std::string> dirs{module_dir};
    const std::string under_root = resolve_path(server.server_root, "libexec/mpmd");
    if (under_root != module_dir)
        dirs.push_back(under_root);
    const std::vector<std::string> lines = mpm_module_lines(dirs, server.server_root);
    std::string text = "Configuration error: No MPM loaded.";
    if (lines.empty())
        return text + " No mod_mpm_*.so in " + dirs[0] + (dirs.size() > 1 ? " or " + dirs[1] : "") +
               ": install the modules (./configure --enable-mpms-shared=all) or link one in "
               "(./configure --with-mpm=prefork|worker|event)";
    text += " Add one of these lines to [modules]:";
    for (const std::string& line : lines)
        text += "\n    " + line;
    return text;
}

} // namespace

std::vector<std::string> mpm_module_lines(const std::vector<std::string>& dirs, const std::string& server_root)
{
    std::vector<std::string> seen_dirs;
    std::vector<std::string> names;
    std::vector<std::string> lines;
    for (const std::string& dir : dirs) {
        char real[PATH_MAX];
        if (!realpath(dir.c_str(), real) || std::find(seen_dirs.begin(), seen_dirs.end(), real) != seen_dirs.end())
            continue;
        seen_dirs.push_back(real);
        DIR* d = opendir(dir.c_str());
        if (!d)
            continue;
        std::vector<std::string> files;
        while (const dirent* entry = readdir(d)) {
            const std::string_view file = entry->d_name;
            if (file.size() > kFilePrefix.size() + kFileSuffix.size() && starts_with(file, kFilePrefix) &&
                ends_with(file, kFileSuffix))
                files.emplace_back(file);
        }
        closedir(d);
        std::sort(files.begin(), files.end());
        for (const std::string& file : files) {
            const std::string mpm = file.substr(kFilePrefix.size(), file.size() - kFilePrefix.size() - kFileSuffix.size());
            if (std::find(names.begin(), names.end(), mpm) != names.end())
                continue;
            names.push_back(mpm);
            std::string path = dir + "/" + file;
            const std::string root = server_root + (ends_with(server_root, "/") ? "" : "/");
            if (starts_with(path, root))
                path = path.substr(root.size());
            lines.push_back("LoadModule = mpm_" + mpm + "_module " + path);
        }
    }
    return lines;
}

MpmChoice choose_mpm(Mpm* linked, const ServerConfig& server, const std::string& config_file,
                     const std::string& module_dir)
{
    MpmChoice choice;
    choice.mpm = linked;
    bool mpm_named = false;   // a LoadModule tried to load an MPM, even if it failed
    for (const LoadModuleSetting& setting : server.load_modules) {
        if (!is_mpm_module_name(setting.name))
            continue;   // a handler module: module_loader.h
        mpm_named = true;
        std::string problem;
        Mpm* mpm = load_module(setting, &problem);
        if (!mpm) {
            choice.errors.push_back(at(setting, problem));
            continue;
        }
        if (choice.mpm) {
            const std::string first = choice.loaded_by ? choice.loaded_by->name + " at line " +
                                                             std::to_string(choice.loaded_by->line)
                                                       : std::string(choice.mpm->name()) + " is linked into mpmd";
            choice.errors.push_back(
                at(setting, "Configuration error: More than one MPM loaded. (" + first + ")"));
            continue;
        }
        choice.mpm = mpm;
        choice.loaded_by = setting;
    }
    if (!choice.mpm && !mpm_named)
        choice.errors.push_back({config_file, 0, no_mpm_text(server, module_dir)});
    if (!choice.errors.empty()) {
        choice.mpm = nullptr;
        choice.loaded_by.reset();
    }
    return choice;
}

} // namespace mpmd
