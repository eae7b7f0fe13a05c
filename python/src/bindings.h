// The parts of the _textmill module, one function per file that defines them.
#pragma once

#include <pybind11/pybind11.h>

namespace textmill::python {

// extract, extract_text, identify_language, identify_languages (single_binding.cc).
void BindSingle(pybind11::module_& m);
// Pipeline and its process() stream (pipeline_binding.cc).
void BindPipeline(pybind11::module_& m);

}  // namespace textmill::python
