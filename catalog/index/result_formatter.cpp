#include "catalog/index/result_formatter.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <vector>

namespace pixeldex::index {
namespace {

using Type = SqlValue::Type;

// Shortest text that reads back as the same double, with ".0" added to whole
// numbers so that a real still looks like one (as SQLite prints them).
std::string FormatReal(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Inf" : "-Inf";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  std::string text(buffer, ec == std::errc() ? end : buffer);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

std::string BlobLabel(const SqlValue& v) {
  return "<blob " + std::to_string(v.bytes.size()) + " bytes>";
}

// Length of one UTF-8 sequence starting with `lead`, or 0 if `lead` cannot
// start one.
size_t SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

// The length of the valid UTF-8 sequence at text[i], or 0 when it is not one.
size_t ValidSequence(std::string_view text, size_t i) {
  const size_t n = SequenceLength(static_cast<unsigned char>(text[i]));
  if (n == 0 || i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 0;
  }
  const auto b0 = static_cast<unsigned char>(text[i]);
  const auto b1 = n > 1 ? static_cast<unsigned char>(text[i + 1]) : 0;
  if (b0 == 0xE0 && b1 < 0xA0) return 0;   // overlong
  if (b0 == 0xED && b1 >= 0xA0) return 0;  // surrogate
  if (b0 == 0xF0 && b1 < 0x90) return 0;   // overlong
  if (b0 == 0xF4 && b1 >= 0x90) return 0;  // beyond U+10FFFF
  return n;
}

// Display width in characters (code points; East Asian wide forms count one).
size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (unsigned char c : text) width += (c & 0xC0) != 0x80;
  return width;
}

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const size_t n = ValidSequence(text, i);
      if (n == 0) {
        out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
        ++i;
      } else {
        out.append(text.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          char escape[8];
          std::snprintf(escape, sizeof(escape), "\\u%04x", c);
          out += escape;
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  return out + "\"";
}

std::string JsonValue(const SqlValue& v) {
  switch (v.type) {
    case Type::kNull: return "null";
    case Type::kInteger: return std::to_string(v.integer);
    case Type::kReal: return std::isfinite(v.real) ? FormatReal(v.real) : "null";
    case Type::kText: return JsonString(v.bytes);
    case Type::kBlob: return "\"" + Base64(v.bytes) + "\"";
  }
  return "null";
}

Status StreamStatus(const std::ostream& out) {
  return out.good() ? Status::Ok() : Status::IoError("cannot write the query result");
}

class TableFormatter : public RowSink {
 public:
  explicit TableFormatter(std::ostream& out) : out_(out) {}

  Status Begin(const std::vector<std::string>& columns) override {
    header_ = columns;
    numeric_.assign(columns.size(), true);
    return Status::Ok();
  }
  Status Row(const std::vector<SqlValue>& values) override {
    std::vector<std::string> cells;
    for (const SqlValue& v : values) cells.push_back(Cell(v));
    for (size_t c = 0; c < values.size(); ++c) {
      if (values[c].type == Type::kText || values[c].type == Type::kBlob) numeric_[c] = false;
    }
    rows_.push_back(std::move(cells));
    return Status::Ok();
  }
  Status End(int64_t row_count) override {
    const size_t n = header_.size();
    std::vector<size_t> widths(n);
    for (size_t c = 0; c < n; ++c) widths[c] = DisplayWidth(header_[c]);
    for (const auto& row : rows_) {
      for (size_t c = 0; c < n; ++c) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
    }
    WriteLine(header_, widths);
    for (size_t c = 0; c < n; ++c) {
      out_ << (c ? "-+-" : "") << std::string(widths[c], '-');
    }
    if (n) out_ << '\n';
    for (const auto& row : rows_) WriteLine(row, widths);
    out_ << '(' << row_count << (row_count == 1 ? " row)\n" : " rows)\n");
    return StreamStatus(out_);
  }

 private:
  static std::string Cell(const SqlValue& v) {
    switch (v.type) {
      case Type::kNull: return "";
      case Type::kInteger: return std::to_string(v.integer);
      case Type::kReal: return FormatReal(v.real);
      case Type::kBlob: return BlobLabel(v);
      case Type::kText: break;
    }
    std::string out;
    for (char c : v.bytes) {
      if (c == '\n') out += "\\n";
      else if (c == '\r') out += "\\r";
      else if (c == '\t') out += "\\t";
      else out += c;
    }
    return out;
  }

  void WriteLine(const std::vector<std::string>& cells, const std::vector<size_t>& widths) {
    std::string line;
    for (size_t c = 0; c < cells.size(); ++c) {
      const std::string pad(widths[c] - DisplayWidth(cells[c]), ' ');
      if (c) line += " | ";
      line += numeric_[c] ? pad + cells[c] : cells[c] + pad;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (!cells.empty()) out_ << line << '\n';
  }

  std::ostream& out_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<bool> numeric_;  // a column without text or blob values aligns right
};

class CsvFormatter : public RowSink {
 public:
  explicit CsvFormatter(std::ostream& out) : out_(out) {}

  Status Begin(const std::vector<std::string>& columns) override {
    for (size_t c = 0; c < columns.size(); ++c) out_ << (c ? "," : "") << Quote(columns[c]);
    out_ << '\n';
    return StreamStatus(out_);
  }
  Status Row(const std::vector<SqlValue>& values) override {
    for (size_t c = 0; c < values.size(); ++c) {
      if (c) out_ << ',';
      const SqlValue& v = values[c];
      switch (v.type) {
        case Type::kNull: break;
        case Type::kInteger: out_ << v.integer; break;
        case Type::kReal: out_ << FormatReal(v.real); break;
        case Type::kText: out_ << Quote(v.bytes); break;
        case Type::kBlob: out_ << BlobLabel(v); break;
      }
    }
    out_ << '\n';
    return StreamStatus(out_);
  }
  Status End(int64_t) override {
    out_.flush();
    return StreamStatus(out_);
  }

 private:
  // RFC 4180 2.6/2.7: fields holding a comma, quote or line break are quoted,
  // quotes doubled. Empty text is quoted too, to tell it from NULL.
  static std::string Quote(const std::string& text) {
    if (!text.empty() && text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  }
  std::ostream& out_;
};

class JsonFormatter : public RowSink {
 public:
  JsonFormatter(std::ostream& out, bool lines) : out_(out), lines_(lines) {}

  Status Begin(const std::vector<std::string>& columns) override {
    for (const std::string& name : columns) keys_.push_back(JsonString(name) + ":");
    if (!lines_) out_ << '[';
    return StreamStatus(out_);
  }
  Status Row(const std::vector<SqlValue>& values) override {
    if (!lines_) out_ << (rows_ ? ",\n  " : "\n  ");
    out_ << '{';
    for (size_t c = 0; c < values.size(); ++c) {
      out_ << (c ? "," : "") << keys_[c] << JsonValue(values[c]);
    }
    out_ << '}';
    if (lines_) out_ << '\n';
    ++rows_;
    return StreamStatus(out_);
  }
  Status End(int64_t) override {
    if (!lines_) out_ << (rows_ ? "\n]\n" : "]\n");
    out_.flush();
    return StreamStatus(out_);
  }

 private:
  std::ostream& out_;
  bool lines_;
  std::vector<std::string> keys_;
  int64_t rows_ = 0;
};

}  // namespace

Result<OutputFormat> ParseOutputFormat(std::string_view name) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "csv") return OutputFormat::kCsv;
  if (name == "json") return OutputFormat::kJson;
  if (name == "jsonl") return OutputFormat::kJsonl;
  return Status::InvalidArgument("unknown format '" + std::string(name) +
                                 "' (table, csv, json or jsonl)");
}

std::unique_ptr<RowSink> MakeResultFormatter(OutputFormat format, std::ostream& out) {
  switch (format) {
    case OutputFormat::kCsv: return std::make_unique<CsvFormatter>(out);
    case OutputFormat::kJson: return std::make_unique<JsonFormatter>(out, false);
    case OutputFormat::kJsonl: return std::make_unique<JsonFormatter>(out, true);
    case OutputFormat::kTable: break;
  }
  return std::make_unique<TableFormatter>(out);
}

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (const size_t rest = bytes.size() - i; rest > 0) {
    uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace pixeldex::index
