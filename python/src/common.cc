#include "python/src/common.h"

#include <dlfcn.h>

#include <cstdint>
#include <mutex>
#include <regex>

#include "pipeline/errors.h"
#include "pipeline/run_state.h"

namespace textmill::python {

namespace {

// UTF-8 of `n` code points (a str's 1-, 2- or 4-byte units) into `out`,
// which has room for 4 bytes each; returns the end. A lone surrogate is
// written as its 3-byte form, as Python's "surrogatepass" does.
template <typename Unit>
char* EncodeUtf8(const Unit* in, Py_ssize_t n, char* out) {
  constexpr Py_ssize_t kBlock = 16;  // fixed-size loops the compiler vectorizes: markup is mostly ASCII
  for (Py_ssize_t i = 0; i < n; ++i) {
    while (n - i >= kBlock) {
      uint32_t any = 0;
      for (Py_ssize_t k = 0; k < kBlock; ++k) any |= in[i + k];
      if (any >= 0x80) break;
      for (Py_ssize_t k = 0; k < kBlock; ++k) out[k] = static_cast<char>(in[i + k]);
      out += kBlock;
      i += kBlock;
    }
    if (i == n) break;
    const uint32_t c = in[i];
    if (c < 0x80) {
      *out++ = static_cast<char>(c);
    } else if (c < 0x800) {
      *out++ = static_cast<char>(0xC0 | (c >> 6));
      *out++ = static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      *out++ = static_cast<char>(0xE0 | (c >> 12));
      *out++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      *out++ = static_cast<char>(0x80 | (c & 0x3F));
    } else {
      *out++ = static_cast<char>(0xF0 | (c >> 18));
      *out++ = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      *out++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      *out++ = static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

// A str's UTF-8, straight from its code points into the string. Not
// PyUnicode_AsUTF8AndSize: that keeps a second copy of a page in the str
// (its UTF-8 cache) to copy from again: with it, textmill.extract cost +9 to
// +11% CPU over the CLI's ingest + extract on the 181 bench pages, without it
// +4 to +7% (scripts/bench_python.sh, both in one session).
std::string StrUtf8(PyObject* str) {
  const Py_ssize_t n = PyUnicode_GET_LENGTH(str);
  const void* data = PyUnicode_DATA(str);
  if (PyUnicode_IS_ASCII(str)) return std::string(static_cast<const char*>(data), n);
  std::string out;
  const int kind = PyUnicode_KIND(str);
  out.resize(static_cast<size_t>(n) * (kind == PyUnicode_1BYTE_KIND ? 2 : kind == PyUnicode_2BYTE_KIND ? 3 : 4));
  char* end = nullptr;
  if (kind == PyUnicode_1BYTE_KIND) {
    end = EncodeUtf8(static_cast<const Py_UCS1*>(data), n, out.data());
  } else if (kind == PyUnicode_2BYTE_KIND) {
    end = EncodeUtf8(static_cast<const Py_UCS2*>(data), n, out.data());
  } else {
    end = EncodeUtf8(static_cast<const Py_UCS4*>(data), n, out.data());
  }
  out.resize(static_cast<size_t>(end - out.data()));
  return out;
}

}  // namespace

std::string TextArgument(py::handle value, const char* what, bool* was_str) {
  if (was_str) *was_str = PyUnicode_Check(value.ptr());
  if (PyUnicode_Check(value.ptr())) {
    // Lone surrogates pass through as their 3-byte forms (invalid UTF-8), which ingest repairs.
    if (PyUnicode_READY(value.ptr()) != 0) throw py::error_already_set();
    return StrUtf8(value.ptr());
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

void ShareSymbolsWithPlugins() {
  static std::once_flag once;
  std::call_once(once, [] {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&ShareSymbolsWithPlugins), &info) == 0 || info.dli_fname == nullptr) {
      throw Error("plugins: cannot find the textmill module's own file to share its symbols with them");
    }
    // Never dlclose()d: the extension stays loaded until exit anyway.
    if (dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL) == nullptr) {
      const char* error = dlerror();
      throw Error(std::string("plugins: cannot share the textmill module's symbols with them: ") +
                  (error ? error : "unknown error"));
    }
  });
}

}  // namespace textmill::python
