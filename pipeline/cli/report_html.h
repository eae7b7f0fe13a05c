// The HTML run report: one self-contained page (inline CSS and SVG, no
// network) from a run's report.json and, optionally, the state dir's
// manifest for the trend over earlier nights.
#pragma once

#include <string>

#include "pipeline/document.h"

namespace textmill {

// `trend` is an array of {"run", "started", "read", "written"} (may be empty).
std::string RenderReportHtml(const Json& report, const Json& trend);

// Runs of the manifest at STATE/manifest.sqlite, oldest first, at most `limit`.
Json LoadTrend(const std::string& state_dir, int limit);

}  // namespace textmill
