// tar.hpp: the regular files of a tar archive held in memory (POSIX ustar,
// GNU tar, and the pax records Python's tarfile writes).
//
// A tar archive is a sequence of 512-byte blocks: for each entry a header
// block, then the entry's data padded to a whole number of blocks; two
// all-zero blocks end the archive. The header fields used here:
//
//   offset  size  field
//        0   100  name (NUL-terminated unless it fills the field)
//      124    12  size of the data, octal digits (or GNU base-256 if the first byte has bit 7 set)
//      148     8  checksum: the sum of the 512 header bytes, counting this field as 8 spaces, octal
//      156     1  type: '0' or NUL regular file, '7' contiguous file, '5' directory,
//                 'L' GNU long name (the data is the next entry's name), 'x' pax record
//                 (may hold "path=..." for the next entry), 'g' pax global record, ...
//      257     6  magic: "ustar\0" (POSIX) or "ustar " (GNU)
//      345   155  prefix (POSIX only): the name is prefix + "/" + name
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace gb {

struct TarFile {
    std::string name;        // the path inside the archive, e.g. "20news-bydate-train/sci.space/60804"
    std::string_view bytes;  // the file's content: a view into the archive
};

// The regular files of `archive`, in archive order; directories, links and
// other entry types are skipped. Every header is checked before anything is
// returned: a truncated or corrupted archive throws gb::Error naming `what`.
// The views point into `archive`, which must outlive them (hence no
// overload for temporaries).
std::vector<TarFile> read_tar(const std::string& archive, const std::string& what);
std::vector<TarFile> read_tar(std::string&& archive, const std::string& what) = delete;

}  // namespace gb
