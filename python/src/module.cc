// The _textmill extension module; textmill/__init__.py re-exports it.
#include <pybind11/pybind11.h>
#include <spdlog/spdlog.h>

#include "pipeline/registry.h"
#include "python/src/bindings.h"
#include "python/src/common.h"

namespace py = pybind11;

PYBIND11_MODULE(_textmill, m) {
  m.doc() = "textmill's native core (use the textmill package)";
  textmill::RegisterBuiltinStages();
  // A library is quiet: the CLI's info lines (progress, "done: ...") and the
  // JSONL reader's warnings about absent id fields would print on every call.
  // set_log_level("info") brings them back.
  spdlog::set_level(spdlog::level::err);
  textmill::python::RegisterExceptions(m);
  textmill::python::BindSingle(m);
  textmill::python::BindPipeline(m);
  m.def(
      "set_log_level",
      [](const std::string& level) {
        const auto parsed = spdlog::level::from_str(level);
        if (parsed == spdlog::level::off && level != "off") {
          throw py::value_error("level: expected trace, debug, info, warn, error or off");
        }
        spdlog::set_level(parsed);
      },
      py::arg("level"), "Log level of the native core, which logs to stderr: trace|debug|info|warn|error|off.");
  m.attr("__version__") = TEXTMILL_VERSION_STRING;
}
