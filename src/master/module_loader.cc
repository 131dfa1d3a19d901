// See module_loader.h.
#include "master/module_loader.h"

#include "child/builtin_modules.h"
#include "master/mpm_loader.h"

#include <dlfcn.h>

#include <string>

namespace mpmd {

namespace {

ConfigMessage at(const LoadModuleSetting& setting, const std::string& problem)
{
    return {setting.file, setting.line, "[modules] LoadModule: " + problem};
}

const Module* load_one(const LoadModuleSetting& setting, std::string* problem)
{
    void* handle = dlopen(setting.path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        const char* error = dlerror();
        *problem = "cannot load " + setting.name + ": " + (error ? error : "unknown dlopen error");
        return nullptr;
    }
    dlerror();
    const auto* module = static_cast<const Module*>(dlsym(handle, setting.name.c_str()));
    if (module == nullptr) {
        *problem = setting.path + " holds no module named " + setting.name +
                   " (a module exports its Module object under the name LoadModule gives; "
                   "the MPMs are mpm_prefork_module, mpm_worker_module and mpm_event_module)";
        return nullptr;
    }
    if (module->api_version != kModuleApiVersion) {
        *problem = setting.path + " was built for module API version " + std::to_string(module->api_version) +
                   ", and this mpmd has version " + std::to_string(kModuleApiVersion) +
                   ": rebuild the module against this mpmd's src/shared/module_api.h";
        return nullptr;
    }
    if (module->name == nullptr || setting.name != module->name) {
        *problem = setting.path + " names its module " + (module->name ? module->name : "(null)") + ", not " +
                   setting.name;
        return nullptr;
    }
    return module;
}

} // namespace

LoadedModules load_handler_modules(const ServerConfig& server)
{
    LoadedModules loaded;
    for (const LoadModuleSetting& setting : server.load_modules) {
        if (is_mpm_module_name(setting.name))
            continue;
        bool twice = false;
        for (const LoadModuleSetting& earlier : loaded.settings)
            twice = twice || earlier.name == setting.name;
        for (const Module* builtin : builtin_handler_modules())
            twice = twice || setting.name == builtin->name;
        if (twice) {
            loaded.errors.push_back(at(setting, setting.name + " is loaded already (built in, or on an earlier line)"));
            continue;
        }
        std::string problem;
        if (const Module* module = load_one(setting, &problem)) {
            loaded.modules.push_back(module);
            loaded.settings.push_back(setting);
        } else {
            loaded.errors.push_back(at(setting, problem));
        }
    }
    return loaded;
}

std::vector<const Module*> handler_chain(const std::vector<const Module*>& loaded)
{
    std::vector<const Module*> chain = loaded;
    const std::vector<const Module*>& builtin = builtin_handler_modules();
    chain.insert(chain.end(), builtin.begin(), builtin.end());
    return chain;
}

} // namespace mpmd
