#include "app/program.hpp"

#include <filesystem>

namespace gb {

void make_folder(const std::string& path) {
    std::error_code error;
    std::filesystem::create_directories(path, error);
    if (error) throw Error("cannot create folder " + path + ": " + error.message());
}

}  // namespace gb
