#include "pipeline/cli/report_html.h"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

namespace textmill {
namespace {

std::string Escape(std::string_view s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Num(double v) {
  std::ostringstream s;
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    s << static_cast<int64_t>(v);
  } else {
    s.precision(3);
    s << std::fixed << v;
  }
  return s.str();
}

// Horizontal bar chart of (label, value) rows as inline SVG.
std::string BarChart(const std::vector<std::pair<std::string, double>>& rows, const char* color) {
  if (rows.empty()) return "<p class=empty>none</p>";
  double max = 0;
  for (const auto& [label, value] : rows) max = std::max(max, value);
  const int row_h = 22, label_w = 220, bar_w = 520, width = label_w + bar_w + 90;
  std::string svg = "<svg xmlns='http://www.w3.org/2000/svg' width='" + std::to_string(width) + "' height='" +
                    std::to_string(row_h * static_cast<int>(rows.size()) + 6) + "' role='img'>";
  int y = 2;
  for (const auto& [label, value] : rows) {
    const int w = max > 0 ? static_cast<int>(bar_w * value / max) : 0;
    svg += "<text x='" + std::to_string(label_w - 8) + "' y='" + std::to_string(y + 15) +
           "' text-anchor='end' class='l'>" + Escape(label) + "</text>";
    svg += "<rect x='" + std::to_string(label_w) + "' y='" + std::to_string(y + 3) + "' width='" +
           std::to_string(std::max(w, 1)) + "' height='" + std::to_string(row_h - 6) + "' fill='" + color + "'/>";
    svg += "<text x='" + std::to_string(label_w + w + 6) + "' y='" + std::to_string(y + 15) + "' class='v'>" +
           Num(value) + "</text>";
    y += row_h;
  }
  return svg + "</svg>";
}

// Vertical bars (histogram, trend) with labels under them.
std::string ColumnChart(const std::vector<std::pair<std::string, double>>& cols, const char* color) {
  if (cols.empty()) return "<p class=empty>none</p>";
  double max = 0;
  for (const auto& [label, value] : cols) max = std::max(max, value);
  const int col_w = std::max(24, std::min(70, 760 / static_cast<int>(cols.size()))), h = 180;
  const int width = col_w * static_cast<int>(cols.size()) + 20;
  std::string svg = "<svg xmlns='http://www.w3.org/2000/svg' width='" + std::to_string(width) + "' height='" +
                    std::to_string(h + 50) + "' role='img'>";
  int x = 10;
  for (const auto& [label, value] : cols) {
    const int bh = max > 0 ? static_cast<int>(h * value / max) : 0;
    svg += "<rect x='" + std::to_string(x + 3) + "' y='" + std::to_string(h - bh + 14) + "' width='" +
           std::to_string(col_w - 6) + "' height='" + std::to_string(std::max(bh, 1)) + "' fill='" + color + "'/>";
    svg += "<text x='" + std::to_string(x + col_w / 2) + "' y='" + std::to_string(h - bh + 10) +
           "' text-anchor='middle' class='v'>" + Num(value) + "</text>";
    svg += "<text x='" + std::to_string(x + col_w / 2) + "' y='" + std::to_string(h + 30) +
           "' text-anchor='middle' class='l'>" + Escape(label) + "</text>";
    x += col_w;
  }
  return svg + "</svg>";
}

}  // namespace

Json LoadTrend(const std::string& state_dir, int limit) {
  Json trend = Json::array();
  const std::string path = (std::filesystem::path(state_dir) / "manifest.sqlite").string();
  if (!std::filesystem::exists(path)) return trend;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return trend;
  }
  sqlite3_stmt* stmt = nullptr;
  const std::string sql = "SELECT id, started, documents_read, documents_written FROM runs WHERE status='done' "
                          "ORDER BY id DESC LIMIT " + std::to_string(limit);
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* started = sqlite3_column_text(stmt, 1);
      trend.push_back({{"run", sqlite3_column_int64(stmt, 0)},
                       {"started", started ? reinterpret_cast<const char*>(started) : ""},
                       {"read", sqlite3_column_int64(stmt, 2)},
                       {"written", sqlite3_column_int64(stmt, 3)}});
    }
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  std::reverse(trend.begin(), trend.end());
  return trend;
}

std::string RenderReportHtml(const Json& report, const Json& trend) {
  const Json totals = report.value("totals", Json::object());
  const Json stages = report.value("stages", Json::array());
  std::vector<std::pair<std::string, double>> funnel, rejects, langs, lengths, trend_cols;
  // The languages of what was written (report.json output.languages); reports
  // of older versions only have the counts of the stage that tags languages
  // (counters "lang.<code>"), taken before the later stages.
  const Json written = report.contains("output") ? report["output"].value("languages", Json::object())
                                                 : Json::object();
  const bool written_langs = !written.empty();
  for (const auto& [lang, n] : written.items()) langs.emplace_back(lang, n.get<double>());
  for (const Json& stage : stages) {
    funnel.emplace_back(stage.value("name", "?") + " (out)", stage.value("docs_out", 0.0));
    if (!written_langs && langs.empty()) {
      const Json counters = stage.value("counters", Json::object());
      for (const auto& [key, value] : counters.items()) {
        if (key.rfind("lang.", 0) == 0) langs.emplace_back(key.substr(5), value.get<double>());
      }
    }
  }
  if (!stages.empty()) funnel.insert(funnel.begin(), {"read", stages[0].value("docs_in", 0.0)});
  const Json by_reason = totals.value("rejects_by_reason", Json::object());
  for (const auto& [reason, n] : by_reason.items()) {
    rejects.emplace_back(reason, n.get<double>());
  }
  std::sort(rejects.begin(), rejects.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::sort(langs.begin(), langs.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  const Json histogram = report.contains("output") ? report["output"].value("text_length_histogram", Json::object())
                                                  : Json::object();
  for (const auto& [bucket, n] : histogram.items()) {
    lengths.emplace_back(bucket, n.get<double>());
  }
  for (const Json& run : trend) {
    // The night's date (its runs are dated by start, in UTC as the manifest records them).
    const std::string started = run.value("started", "");
    trend_cols.emplace_back(started.size() >= 10 ? started.substr(0, 10) : "run " + std::to_string(run.value("run", 0)),
                            run.value("written", 0.0));
  }
  std::string html =
      "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>textmill run report</title><style>"
      "body{font:14px/1.4 sans-serif;margin:24px;color:#222;background:#fff}h1{font-size:22px}"
      "h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}table{border-collapse:collapse}"
      "td,th{padding:3px 12px;text-align:left;border-bottom:1px solid #eee}.l{font:12px sans-serif;fill:#333}"
      ".v{font:11px sans-serif;fill:#555}.empty{color:#888}</style></head><body>";
  html += "<h1>textmill run report</h1><table>";
  auto row = [&](const std::string& k, const std::string& v) { html += "<tr><th>" + k + "</th><td>" + v + "</td></tr>"; };
  row("textmill", Escape(report.value("textmill_version", "?")));
  row("documents read", Num(totals.value("documents_read", 0.0)));
  row("documents written", Num(totals.value("documents_written", 0.0)));
  row("documents rejected", Num(totals.value("documents_rejected", 0.0)));
  row("input", Num(totals.value("input_bytes", 0.0) / 1e6) + " MB in " + Num(totals.value("wall_seconds", 0.0)) +
                   " s (" + Num(totals.value("input_mb_per_second", 0.0)) + " MB/s)");
  const Json inputs = report.value("inputs", Json::object());
  row("unreadable inputs", Num(static_cast<double>(inputs.value("unreadable", Json::array()).size())));
  row("started", Escape(report.value("started", "?")));
  row("finished", Escape(report.value("finished", "?")));
  row("exit code", Num(report.value("exit_code", 0.0)));
  html += "</table>";
  html += "<h2>Documents through the stages</h2>" + BarChart(funnel, "#3b7dd8");
  html += "<h2>Rejects by reason</h2>" + BarChart(rejects, "#d8573b");
  // A stage's own table: the `summary` object of its counters, if it has one.
  for (const Json& stage : stages) {
    const Json summary = stage.value("counters", Json::object()).value("summary", Json());
    if (!summary.is_object()) continue;
    html += "<h2>Stage " + Escape(stage.value("name", "?")) + "</h2><table>";
    for (const auto& [key, value] : summary.items()) {
      row(Escape(key), value.is_number() ? Num(value.get<double>())
                                         : Escape(value.is_string() ? value.get<std::string>() : value.dump()));
    }
    html += "</table>";
  }
  html += std::string(written_langs ? "<h2>Languages of written documents</h2>"
                                    : "<h2>Languages (as tagged, before later stages)</h2>") +
          BarChart(langs, "#3bab6b");
  html += "<h2>Text length of written documents (characters)</h2>" + ColumnChart(lengths, "#8a5cd1");
  html += "<h2>Documents written, last nights</h2>" + ColumnChart(trend_cols, "#d1a23b");
  html += "</body></html>\n";
  return html;
}

}  // namespace textmill
