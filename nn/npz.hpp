// npz.hpp: NumPy .npy arrays in a .npz (zip) archive, read and written with
// the standard library alone.
//
// A .npz file is a zip archive whose members "<name>.npy" are arrays in the
// .npy format: the magic "\x93NUMPY", a version, a header length and a
// Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (..), }
// padded to a multiple of 64 bytes, then the raw little-endian values.
// numpy.load reads what write_npz writes; read_npz reads what numpy.savez
// writes (stored members, zip64 records included). Compressed members
// (numpy.savez_compressed) are refused with a message saying so.
#pragma once
#include <string>
#include <vector>

#include "nn/tensor.hpp"

namespace gb {

struct NpyArray {
    std::string name;  // without the ".npy" suffix
    Shape shape;
    std::vector<float> values;  // float32 (float64 members are converted)
};

struct NpzArchive {
    std::vector<NpyArray> arrays;  // in archive order
    std::string comment;           // the zip archive comment

    const NpyArray* find(const std::string& name) const;
};

// Writes atomically: to "<path>.tmp", then renamed over path, so a failed
// write never destroys an existing file.
void write_npz(const std::string& path, const NpzArchive& archive);
// One array as a .npy file (numpy.load reads it), written the same way.
void write_npy(const std::string& path, const NpyArray& array);
// Reads an archive; throws gb::Error (one line: what is wrong, what to do)
// for anything that is not a well-formed archive of stored .npy members.
// Every length and offset in the file is checked against its size.
NpzArchive read_npz(const std::string& path);
// The same from the file's bytes; `path` names it in messages.
NpzArchive npz_from_bytes(const std::string& bytes, const std::string& path);

// Text read from a file, safe to put in a one-line message: control
// characters become '?', and more than `max` bytes are cut to "...".
std::string shown(const std::string& text, size_t max = 60);

}  // namespace gb
