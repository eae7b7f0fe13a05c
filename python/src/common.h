// Helpers shared by the binding's files: argument conversion, JSON to Python,
// the exception types, and waiting on C++ work without blocking Ctrl-C.
//
// Threading: every function here that takes or returns a py:: object must be
// called with the GIL held; WaitInterruptibly releases it while it waits.
#pragma once

#include <pybind11/pybind11.h>

#include <functional>
#include <string>
#include <string_view>

namespace textmill::python {

namespace py = pybind11;

// The UTF-8 bytes of a str (lone surrogates pass through as invalid bytes,
// which ingest repairs to U+FFFD as it does for files), or the bytes of a
// bytes/bytearray as they are. Anything else (None included): ValueError
// naming `what`. `*was_str` tells which it was (a str is known to be UTF-8).
std::string TextArgument(py::handle value, const char* what, bool* was_str = nullptr);

// json.loads of a line the core wrote (valid UTF-8 JSON).
py::object LoadJson(std::string_view json);

// json.dumps(value, ensure_ascii=False, indent=indent or None) as UTF-8 bytes;
// a value JSON cannot hold (a set, a datetime) is a ValueError naming `what`.
std::string DumpJson(py::handle value, const char* what, int indent = -1);

// Registers textmill.Error, ConfigError and LockedError on `m` and the
// translator from the core's exceptions (pipeline/errors.h) to them.
void RegisterExceptions(py::module_& m);

// Waits, with the GIL released, until `done()` is true; every 50 ms takes the
// GIL back to run Python's signal handlers, so Ctrl-C raises KeyboardInterrupt
// here (throws py::error_already_set) instead of after the C++ work ends.
// `done` is called without the GIL.
void WaitInterruptibly(const std::function<bool(int timeout_ms)>& done);

// Makes this module's symbols visible to libraries loaded after it, as the
// textmill binary's are (it links with -rdynamic). Python loads an extension
// with RTLD_LOCAL, so a plugin (pipeline/plugin_api.h), which calls
// Registry::Add and OptionReader::Get of its host, would fail to load with an
// undefined symbol. Re-opens the module RTLD_NOLOAD | RTLD_GLOBAL, once; call
// it before BuildStages of a config that names plugins, so a process that
// loads none keeps the module's symbols to itself. Any thread, no GIL needed.
void ShareSymbolsWithPlugins();

}  // namespace textmill::python
