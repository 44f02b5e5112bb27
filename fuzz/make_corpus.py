#!/usr/bin/env python3
"""make_corpus.py: writes the seed corpora of the fuzzers, fuzz/corpus/<name>/:
a few tiny valid files of each kind, written by Python's own zipfile, gzip,
zlib and tarfile where it has them, and a few broken ones. Run from the
repository root; the output is committed, so this runs only when the seeds
change. Standard library only."""
import gzip, io, os, struct, tarfile, zipfile, zlib

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(name, file, data):
    os.makedirs(os.path.join(root, name), exist_ok=True)
    with open(os.path.join(root, name, file), "wb") as f:
        f.write(data)


def gz(data, mtime=0):
    return gzip.compress(data, mtime=mtime)


# ---- idx ----------------------------------------------------------------------
def idx(dims, values):
    return bytes([0, 0, 8, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + bytes(values)

put("idx", "images-2x2x3", idx([2, 2, 3], range(12)))
put("idx", "labels-4", idx([4], [1, 2, 3, 9]))
put("idx", "images-2x2x2.gz", gz(idx([2, 2, 2], range(8))))
put("idx", "truncated", idx([3, 2], range(5)))
put("idx", "int32-type", bytes([0, 0, 0x0C, 1, 0, 0, 0, 1, 0, 0, 0, 7]))
put("idx", "overflowing-dims", bytes.fromhex("00000803") + struct.pack(">III", 16, 2**30, 2**30))

# ---- gzip and raw DEFLATE ----------------------------------------------------
text = b"the quick brown fox jumps over the lazy dog; " * 6 + bytes(range(40))
put("gzip", "dynamic.gz", gz(text))
put("gzip", "two-members.gz", gz(b"first member\n") + gz(b"second\n"))
put("gzip", "empty.gz", gz(b""))
# a header with every optional field: FEXTRA, FNAME, FCOMMENT, FHCRC
body = zlib.compressobj(9, zlib.DEFLATED, -15)
deflated = body.compress(b"hello hello hello\n") + body.flush()
header = b"\x1f\x8b\x08" + bytes([2 | 4 | 8 | 16]) + b"\0\0\0\0\0\xff"
header += struct.pack("<H", 4) + b"ab\0\0" + b"name.txt\0" + b"a comment\0"
header += struct.pack("<H", zlib.crc32(header) & 0xFFFF)
put("gzip", "all-fields.gz", header + deflated + struct.pack("<II", zlib.crc32(b"hello hello hello\n"), 18))
fixed = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_FIXED)
put("gzip", "fixed.deflate", fixed.compress(b"abcabcabcabcabc") + fixed.flush())
stored = zlib.compressobj(0, zlib.DEFLATED, -15)
put("gzip", "stored.deflate", stored.compress(b"stored bytes") + stored.flush())
put("gzip", "dynamic.deflate", zlib.compress(text)[2:-4])
put("gzip", "no-name-end.gz", bytes.fromhex("1f8b081c00010600f9ffffff414243445a32316506000000"))
put("gzip", "cut.gz", gz(text)[:30])

# ---- tar ------------------------------------------------------------------------
def tar(entries, fmt):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt) as t:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            if data is None:
                info.type = tarfile.DIRTYPE
                t.addfile(info)
            else:
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
    b = out.getvalue().rstrip(b"\0")
    return b + b"\0" * ((-len(b)) % 512) + b"\0" * 1024

posts = [("20news-bydate-train/", None), ("20news-bydate-train/sci.space/", None),
         ("20news-bydate-train/sci.space/60804", b"From: a@b\n\nOrbits.\n")]
put("tar", "ustar.tar", tar(posts, tarfile.USTAR_FORMAT))
long_name = "20news-bydate-test/" + "x" * 120 + "/1"
put("tar", "gnu-long-name.tar", tar([(long_name, b"a post\n")], tarfile.GNU_FORMAT))
put("tar", "pax-path.tar", tar([(long_name, b"a post\n"), ("short", b"")], tarfile.PAX_FORMAT))
put("tar", "truncated.tar", tar(posts, tarfile.USTAR_FORMAT)[:700])

# ---- model files (.npz with the architecture record in the zip comment) --------
def npy(shape, values, dtype="<f4"):
    dims = "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (dtype, dims)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    fmt = "<%d%s" % (len(values), "d" if dtype == "<f8" else "f")
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + struct.pack(fmt, *values)


def npz(arrays, record):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for name, data in arrays:
            z.writestr(name + ".npy", data)
        z.comment = record.encode()
    return out.getvalue()


def values(n, scale=0.1):
    return [scale * ((i * 7) % 11 - 5) for i in range(n)]


def model(name, input_shape, layers, params):
    record = "glassbox-model 1\nname %s\ndata mnist\ninput %s\n" % (name, " ".join(map(str, input_shape)))
    record += "".join("layer %s\n" % l for l in layers)
    return npz([(n, npy(s, values(_numel(s)))) for n, s in params], record)


def _numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n

put("model", "mlp.npz", model("mlp", [2], ["Linear 2 3", "ReLU", "Linear 3 2"],
                              [("0.weight", (3, 2)), ("0.bias", (3,)), ("2.weight", (2, 3)), ("2.bias", (2,))]))
put("model", "cnn.npz", model("lenet", [1, 6, 6],
                              ["Conv2d 1 2 3 1 1", "ReLU", "MaxPool2d 2 2", "Flatten", "Linear 18 2"],
                              [("0.weight", (2, 1, 3, 3)), ("0.bias", (2,)), ("4.weight", (2, 18)), ("4.bias", (2,))]))
put("model", "pools.npz", model("lenet-sum", [1, 4, 4],
                                ["Conv2d 1 1 1 1 0", "Tanh", "AvgPool2d 2 2", "Sigmoid", "LpPool2d 2.000000 2 1",
                                 "SumPool2d 1 1", "Flatten", "Linear 1 2"],
                                [("0.weight", (1, 1, 1, 1)), ("0.bias", (1,)), ("7.weight", (2, 1)), ("7.bias", (2,))]))
put("model", "lstm.npz", model("lstm", [3, 2], ["LSTM 2 4", "Linear 4 2"],
                               [("0.weight_ih_l0", (16, 2)), ("0.weight_hh_l0", (16, 4)), ("0.bias_ih_l0", (16,)),
                                ("0.bias_hh_l0", (16,)), ("1.weight", (2, 4)), ("1.bias", (2,))]))
put("model", "bilstm.npz", model("textlstm", [3],
                                 ["Embedding 5 2 0", "LSTM 2 1 bidirectional padded", "Linear 2 2"],
                                 [("0.weight", (5, 2)), ("1.weight_ih_l0", (4, 2)), ("1.weight_hh_l0", (4, 1)),
                                  ("1.bias_ih_l0", (4,)), ("1.bias_hh_l0", (4,)), ("1.weight_ih_l0_reverse", (4, 2)),
                                  ("1.weight_hh_l0_reverse", (4, 1)), ("1.bias_ih_l0_reverse", (4,)),
                                  ("1.bias_hh_l0_reverse", (4,)), ("2.weight", (2, 2)), ("2.bias", (2,))]))
put("model", "textcnn.npz", model("textcnn", [5],
                                  ["Embedding 10 4 0", "Transpose 1 2", "Conv1d 4 3 1", "ReLU", "MaxOverTime",
                                   "Dropout 0.5", "Linear 3 2"],
                                  [("0.weight", (10, 4)), ("2.weight", (3, 4, 1)), ("2.bias", (3,)),
                                   ("6.weight", (2, 3)), ("6.bias", (2,))]))
put("model", "float64.npz", npz([("0.weight", npy((1, 1), [0.5], "<f8")), ("0.bias", npy((1,), [0.0], "<f8"))],
                                "glassbox-model 1\nname tab-mlp\ndata wine\ninput 1\nlayer Linear 1 1\n"))
put("model", "no-record.npz", npz([("w", npy((2,), [1.0, 2.0]))], ""))
put("model", "bad-record.npz", npz([("0.weight", npy((1, 1), [1.0]))],
                                   "glassbox-model 1\nname mlp\ninput 1\nlayer Linear -1 1\n"))
# zip64: the central directory entry of the first member carries its offset in a zip64 extra field
b = bytearray(npz([("0.weight", npy((1, 1), [1.0])), ("0.bias", npy((1,), [0.0]))],
                  "glassbox-model 1\nname mlp\ninput 1\nlayer Linear 1 1\n"))
end = b.rfind(b"PK\x05\x06")
at = struct.unpack_from("<I", b, end + 16)[0]
name_len = struct.unpack_from("<H", b, at + 28)[0]
offset = struct.unpack_from("<I", b, at + 42)[0]
struct.pack_into("<I", b, at + 42, 0xFFFFFFFF)
struct.pack_into("<H", b, at + 30, 12)
central_size = struct.unpack_from("<I", b, end + 12)[0]
b[at + 46 + name_len:at + 46 + name_len] = struct.pack("<HHQ", 1, 8, offset)
struct.pack_into("<I", b, end + 12 + 12, central_size + 12)  # the end record moved by 12 bytes
put("model", "zip64.npz", bytes(b))

# ---- 20 Newsgroups posts (the first byte chooses the removals, see targets.hpp) --
post = (b"From: someone@example.com\nSubject: Re: orbits\nLines: 9\n\n"
        b"In article <1@example.com> other@example.com writes:\n> Is the orbit stable?\n"
        b"| quoted too\nIt is, caf\xe9 na\xefve r\xe9sum\xe9 \xb2 \xbd \xd7 \xf7 _under_score x2\n"
        b"said: nothing\n\n-- \nSomeone, Example Corp.\n")
for options in (0, 7, 8, 15):
    put("newsgroups", "post-%02d" % options, bytes([options]) + post)
put("newsgroups", "utf8-and-broken", bytes([8]) + "naïve — ünïcödé".encode() + b" \xc3 \xe2\x82 \xf4\x90\x80\x80 ok")
put("newsgroups", "no-blank-line", bytes([3]) + b"Subject: x\n---\n   \n")

# ---- CSV tables -------------------------------------------------------------------
put("csv", "wine-like.csv", b"alcohol,malic_acid,class\n14.23,1.71,class_0\n13.2,1.78,class_0\n12.37,.94,class_1\n")
put("csv", "bom-crlf.csv", b"\xef\xbb\xbfa , b,class\r\n1e-05,+2,x\r\n\r\n-0.5,3,y\r\n")
put("csv", "bad-cell.csv", b"a,class\n1,x\nnan,y\n")
put("csv", "quoted.csv", b"a,class\n\"1\",x\n")
put("csv", "no-class.csv", b"a,b\n1,2\n")
put("csv", "ragged.csv", b"a,b,class\n1,2,x\n1,x\n1,2,3,x\n")

# ---- fuzz/regressions/: the reproducers of issue 17, found by hand ---------------
# (inputs a fuzzer crashes on are added to these folders as the fuzzer wrote them)
regressions = os.path.join(os.path.dirname(root), "regressions")


def regression(name, file, data):
    os.makedirs(os.path.join(regressions, name), exist_ok=True)
    with open(os.path.join(regressions, name, file), "wb") as f:
        f.write(data)

no_nul = bytes.fromhex("1f8b081c00010600f9ffffff414243445a32316506000000")
regression("gzip", "issue17-5-no-nul.gz", no_nul)
regression("gzip", "issue17-5-twice.gz", no_nul + no_nul)
regression("idx", "issue17-6-overflow.idx", bytes.fromhex("00000803") + struct.pack(">III", 16, 2**30, 2**30))
small = [("0.weight", npy((1, 2), [0.5, -1.0])), ("0.bias", npy((1,), [0.25]))]
record = "glassbox-model 1\nname tab-mlp\ndata wine\ninput 2\nlayer Linear 2 1\n"
numpy_like = bytearray(npz(small, ""))
end = numpy_like.rfind(b"PK\x05\x06")
at = struct.unpack_from("<I", numpy_like, end + 16)[0]
last = at + 46 + struct.unpack_from("<H", numpy_like, at + 28)[0]
numpy_like[last + 30:last + 32] = b"\xff\xff"  # the last entry's extra-field length
regression("model", "issue17-2-extra-length.npz", bytes(numpy_like))
b = bytearray(npz(small, record))
end = b.rfind(b"PK\x05\x06")
at = struct.unpack_from("<I", b, end + 16)[0]
name_len = struct.unpack_from("<H", b, at + 28)[0]
struct.pack_into("<I", b, at + 42, 0xFFFFFFFF)
struct.pack_into("<H", b, at + 30, 12)
b[at + 46 + name_len:at + 46 + name_len] = struct.pack("<HHQ", 1, 8, 2**64 - 10)
regression("model", "issue17-3-zip64-offset.npz", bytes(b))
regression("model", "issue17-4-negative-layer.npz", npz(small, record.replace("Linear 2 1", "Linear -784 300")))
regression("model", "issue17-4-huge-layer.npz", npz(small, record.replace("Linear 2 1", "Linear 2000000000 300")))
regression("model", "issue17-4-shape-xx.npz",
           npz([("0.weight", npy((1, 2), [0.5, -1.0]).replace(b"(1, 2)", b"(xx,) ")), small[1]], record))
regression("model", "issue17-4-shape-huge.npz",
           npz([("0.weight", npy((1, 2), [0.5, -1.0]).replace(b"(1, 2), }  ", b"(99999999999,), }")), small[1]],
               record))
regression("model", "issue17-8-nan.npz", npz([("0.weight", npy((1, 2), [float("nan"), 1.0])), small[1]], record))
