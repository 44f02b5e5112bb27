// json.hpp: the one-line JSON summary every command prints last on stdout.
#pragma once
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace gb {

class JsonObject {
public:
    JsonObject& add(const std::string& key, const std::string& value) { return raw(key, quote(value)); }
    JsonObject& add(const std::string& key, const char* value) { return raw(key, quote(value)); }
    JsonObject& add(const std::string& key, double value) { return raw(key, number(value)); }
    JsonObject& add(const std::string& key, int value) { return raw(key, std::to_string(value)); }
    JsonObject& add(const std::string& key, const std::vector<double>& values) {
        std::string s = "[";
        for (size_t i = 0; i < values.size(); ++i) s += (i ? ", " : "") + number(values[i]);
        return raw(key, s + "]");
    }
    JsonObject& add(const std::string& key, const std::vector<int>& values) {
        std::string s = "[";
        for (size_t i = 0; i < values.size(); ++i) s += (i ? ", " : "") + std::to_string(values[i]);
        return raw(key, s + "]");
    }
    // A value that is already JSON text (an array of objects, say).
    JsonObject& add_raw(const std::string& key, const std::string& json) { return raw(key, json); }
    std::string str() const { return "{" + body_ + "}"; }

private:
    JsonObject& raw(const std::string& key, const std::string& value) {
        body_ += (body_.empty() ? "" : ", ") + quote(key) + ": " + value;
        return *this;
    }
    static std::string number(double v) {
        if (!std::isfinite(v)) return "null";
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.6g", v);
        return buf;
    }
    static std::string quote(const std::string& s) {
        std::string q = "\"";
        for (char c : s) {
            if (c == '"' || c == '\\') q += '\\';
            if (c == '\n') { q += "\\n"; continue; }
            q += c;
        }
        return q + "\"";
    }
    std::string body_;
};

}  // namespace gb
