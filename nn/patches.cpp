#include "nn/patches.hpp"

#include <algorithm>

namespace gb {
namespace {

// to[0:n] = from[0:n] and to[0:n] += from[0:n] for the rows of patch
// matrices, inline: most are short (5 to 28 values in LeNet), and a call to
// memmove would cost more than the copy. They move whole blocks of 8 or 4
// values, which the compiler turns into single vector instructions.
template <int block>
inline void copy_block(const float* __restrict from, float* __restrict to) {
    for (int k = 0; k < block; ++k) to[k] = from[k];
}

template <int block>
inline void add_block(const float* __restrict from, float* __restrict to) {
    for (int k = 0; k < block; ++k) to[k] += from[k];
}

// The last block of a copy ends at n and may overlap the one before: the
// overlap is written twice with the same values.
inline void copy_short(const float* __restrict from, int n, float* __restrict to) {
    if (n >= 8) {
        for (int i = 0; i + 8 < n; i += 8) copy_block<8>(from + i, to + i);
        copy_block<8>(from + n - 8, to + n - 8);
    } else if (n >= 4) {
        copy_block<4>(from, to);
        copy_block<4>(from + n - 4, to + n - 4);
    } else {
        for (int k = 0; k < 3; ++k)
            if (k < n) to[k] = from[k];
    }
}

// Additions must not overlap: blocks of 8, one of 4, then single values.
inline void add_short(const float* __restrict from, int n, float* __restrict to) {
    int i = 0;
    for (; i + 8 <= n; i += 8) add_block<8>(from + i, to + i);
    if (i + 4 <= n) {
        add_block<4>(from + i, to + i);
        i += 4;
    }
    for (int k = 0; k < 3; ++k)
        if (i + k < n) to[i + k] += from[i + k];
}

// Where patch entry (c, u, v) of output row i starts in the padded image:
// at[j * s] = xp[c, i*s + u, j*s + v].
const float* patch_row(const ConvShape& s, const PaddedImage& xp, int c, int u, int v, int i) {
    return xp.data + (size_t(c) * xp.H + size_t(i * s.stride + u)) * xp.W + size_t(v);
}

// The adjoint of im2col: each entry of dcols is added to the padded-image
// value it was read from, dxp[c, i*s + u, j*s + v] += dcols[(c, u, v), (i, j)].
void col2im(const ConvShape& s, const float* dcols, float* dxp, int H, int W) {
    const float* row = dcols;
    for (int c = 0; c < s.C; ++c)
        for (int u = 0; u < s.KH; ++u)
            for (int v = 0; v < s.KW; ++v)
                for (int i = 0; i < s.OH; ++i, row += s.OW) {
                    float* at = dxp + (size_t(c) * H + size_t(i * s.stride + u)) * W + size_t(v);
                    if (s.stride == 1) add_short(row, s.OW, at);
                    else for (int j = 0; j < s.OW; ++j) at[j * s.stride] += row[j];
                }
}

template <int group>
void add_row_sums_group(const float* __restrict dy, size_t cols, float* __restrict sums) {
    float acc[group];
    for (int k = 0; k < group; ++k) acc[k] = sums[k];
    for (size_t p = 0; p < cols; ++p)
#pragma GCC unroll 8
        for (int k = 0; k < group; ++k) acc[k] += dy[size_t(k) * cols + p];
    for (int k = 0; k < group; ++k) sums[k] = acc[k];
}

}  // namespace

PaddedImage pad_image(const ConvShape& s, const float* x, PaddingBuffer& buffer, size_t spare) {
    if (s.pad == 0 && spare == 0) return {x, s.H, s.W};
    const int H = s.H + 2 * s.pad, W = s.W + 2 * s.pad;
    if (buffer.C != s.C || buffer.H != s.H || buffer.W != s.W || buffer.pad != s.pad || buffer.spare != spare) {
        buffer.data.assign(size_t(s.C) * H * W + spare, 0.0f);
        buffer.C = s.C, buffer.H = s.H, buffer.W = s.W, buffer.pad = s.pad, buffer.spare = spare;
    }
    for (int c = 0; c < s.C; ++c)
        for (int y = 0; y < s.H; ++y)
            copy_short(x + (size_t(c) * s.H + size_t(y)) * s.W, s.W,
                       buffer.data.data() + (size_t(c) * H + size_t(y + s.pad)) * W + s.pad);
    return {buffer.data.data(), H, W};
}

// One image as a patch matrix, one row per kernel entry:
//   cols[(c, u, v), (i, j)] = xp[c, i*s + u, j*s + v]      (C*KH*KW, OH*OW)
void im2col(const ConvShape& s, const PaddedImage& xp, float* cols) {
    float* row = cols;
    for (int c = 0; c < s.C; ++c)
        for (int u = 0; u < s.KH; ++u)
            for (int v = 0; v < s.KW; ++v)
                for (int i = 0; i < s.OH; ++i, row += s.OW) {
                    const float* in = patch_row(s, xp, c, u, v, i);
                    if (s.stride == 1) copy_short(in, s.OW, row);
                    else for (int j = 0; j < s.OW; ++j) row[j] = in[j * s.stride];
                }
}

// The same matrix transposed, one row per output position:
//   rows[(i, j), (c, u, v)] = xp[c, i*s + u, j*s + v]      (OH*OW, C*KH*KW)
// It is gathered KW neighbouring values at a time.
void im2row(const ConvShape& s, const PaddedImage& xp, float* rows) {
    float* out = rows;
    for (int i = 0; i < s.OH; ++i)
        for (int j = 0; j < s.OW; ++j)
            for (int c = 0; c < s.C; ++c)
                for (int u = 0; u < s.KH; ++u, out += s.KW)
                    copy_short(patch_row(s, xp, c, u, 0, i) + size_t(j) * s.stride, s.KW, out);
}

// dx += the gradient of one image, from W^T dy_b: straight into dx without
// padding, otherwise through a zeroed padded buffer whose border is dropped.
void add_input_gradient(const ConvShape& s, const float* dcols, float* dx, std::vector<float>& buffer) {
    if (s.pad == 0) return col2im(s, dcols, dx, s.H, s.W);
    const int H = s.H + 2 * s.pad, W = s.W + 2 * s.pad;
    buffer.assign(size_t(s.C) * H * W, 0.0f);
    col2im(s, dcols, buffer.data(), H, W);
    for (int c = 0; c < s.C; ++c)
        for (int y = 0; y < s.H; ++y)
            add_short(buffer.data() + (size_t(c) * H + size_t(y + s.pad)) * W + s.pad, s.W,
                      dx + (size_t(c) * s.H + size_t(y)) * s.W);
}

// sums[o] += sum over p of dy[o, p], each sum added in the order of p, as a
// plain loop would; a group of up to eight channels at a time, so that eight
// independent additions are under way instead of one chain. The group size
// is a compile-time constant, so that the partial sums stay in registers
// (with a size known only at run time, they were kept in memory).
void add_row_sums(const float* dy, int rows, size_t cols, float* sums) {
    for (int o = 0; o < rows; o += 8) {
        const float* from = dy + size_t(o) * cols;
        switch (std::min(8, rows - o)) {
            case 8: add_row_sums_group<8>(from, cols, sums + o); break;
            case 7: add_row_sums_group<7>(from, cols, sums + o); break;
            case 6: add_row_sums_group<6>(from, cols, sums + o); break;
            case 5: add_row_sums_group<5>(from, cols, sums + o); break;
            case 4: add_row_sums_group<4>(from, cols, sums + o); break;
            case 3: add_row_sums_group<3>(from, cols, sums + o); break;
            case 2: add_row_sums_group<2>(from, cols, sums + o); break;
            default: add_row_sums_group<1>(from, cols, sums + o); break;
        }
    }
}

}  // namespace gb
