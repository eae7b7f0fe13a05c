#include "python/src/common.h"

#include <regex>

#include "pipeline/errors.h"
#include "pipeline/run_state.h"

namespace textmill::python {

std::string TextArgument(py::handle value, const char* what, bool* was_str) {
  if (was_str) *was_str = PyUnicode_Check(value.ptr());
  if (PyUnicode_Check(value.ptr())) {
    Py_ssize_t size = 0;
    if (const char* utf8 = PyUnicode_AsUTF8AndSize(value.ptr(), &size)) return std::string(utf8, size);
    PyErr_Clear();  // lone surrogates: encode them anyway, ingest repairs them
    const py::object bytes =
        py::reinterpret_steal<py::object>(PyUnicode_AsEncodedString(value.ptr(), "utf-8", "surrogatepass"));
    if (!bytes) throw py::error_already_set();
    return std::string(PyBytes_AS_STRING(bytes.ptr()), PyBytes_GET_SIZE(bytes.ptr()));
  }
  if (PyBytes_Check(value.ptr())) return std::string(PyBytes_AS_STRING(value.ptr()), PyBytes_GET_SIZE(value.ptr()));
  if (PyByteArray_Check(value.ptr())) {
    return std::string(PyByteArray_AS_STRING(value.ptr()), PyByteArray_GET_SIZE(value.ptr()));
  }
  throw py::value_error(std::string(what) + ": expected str or bytes, not " +
                        std::string(py::str(py::type::of(value).attr("__name__"))));
}

py::object LoadJson(std::string_view json) {
  static const py::object* loads = new py::object(py::module_::import("json").attr("loads"));
  const py::object text =
      py::reinterpret_steal<py::object>(PyUnicode_DecodeUTF8(json.data(), static_cast<Py_ssize_t>(json.size()), "replace"));
  if (!text) throw py::error_already_set();
  return (*loads)(text);
}

std::string DumpJson(py::handle value, const char* what, int indent) {
  static const py::object* dumps = new py::object(py::module_::import("json").attr("dumps"));
  py::object text;
  try {
    text = indent < 0 ? (*dumps)(value, py::arg("ensure_ascii") = false)
                      : (*dumps)(value, py::arg("ensure_ascii") = false, py::arg("indent") = indent);
  } catch (py::error_already_set& e) {
    if (!e.matches(PyExc_TypeError) && !e.matches(PyExc_ValueError)) throw;
    throw py::value_error(std::string(what) + ": not JSON data: " + e.what());
  }
  return TextArgument(text, what);
}

namespace {

// Set once at import; the module (and so the types) lives until exit.
PyObject* error_type = nullptr;
PyObject* config_error_type = nullptr;
PyObject* locked_error_type = nullptr;

// The core's messages start with the YAML path and line (pipeline/options.h):
// "stages[0].extract.foo (line 3): unknown key" -> ("stages[0].extract.foo", 3);
// a YAML syntax error, "cfg.yaml: line 7: ..." -> (None, 7).
void RaiseConfigError(const std::string& message) {
  static const std::regex keyed(R"(^([A-Za-z_][\w\[\].-]*)(?: \(line (\d+)\))?: )");
  static const std::regex lined(R"(line (\d+))");
  py::object path = py::none(), line = py::none();
  std::smatch match;
  if (std::regex_search(message, match, keyed)) {
    path = py::str(match[1].str());
    if (match[2].matched) line = py::int_(std::stoi(match[2].str()));
  } else if (std::regex_search(message, match, lined)) {
    line = py::int_(std::stoi(match[1].str()));
  }
  py::object error = py::reinterpret_borrow<py::object>(config_error_type)(message);
  error.attr("yaml_path") = path;
  error.attr("line") = line;
  PyErr_SetObject(config_error_type, error.ptr());
}

}  // namespace

void RegisterExceptions(py::module_& m) {
  error_type = py::exception<Error>(m, "Error").ptr();
  config_error_type = py::exception<ConfigError>(m, "ConfigError", error_type).ptr();
  locked_error_type = py::exception<LockedError>(m, "LockedError", error_type).ptr();
  const auto doc = [](PyObject* type, const char* text) { py::setattr(type, "__doc__", py::str(text)); };
  doc(error_type, "A setup error of textmill: output not writable, a model missing, a run that failed.");
  doc(config_error_type,
      "A bad config. The message names the YAML path and line; so do .yaml_path (e.g. "
      "'stages[0].extract.foo', or None) and .line (1-based, or None; for a dict config, a line of its "
      "indented JSON).");
  doc(locked_error_type, "Another run holds the state directory's lock (the CLI's exit code 4).");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ConfigError& e) {
      RaiseConfigError(e.what());
    } catch (const LockedError& e) {
      PyErr_SetString(locked_error_type, e.what());
    } catch (const Error& e) {
      PyErr_SetString(error_type, e.what());
    }
  });
}

void WaitInterruptibly(const std::function<bool(int timeout_ms)>& done) {
  for (;;) {
    {
      py::gil_scoped_release release;
      if (done(50)) return;
    }
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
  }
}

}  // namespace textmill::python
