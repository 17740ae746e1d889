#!/usr/bin/env python3
"""Regenerates the tiny IDX / gzip fixtures of FoveaDataTests (python3 standard library only).

Run from anywhere:  python3 Tests/FoveaDataTests/Fixtures/make_fixtures.py
The output is deterministic (gzip mtime 0), so re-running leaves git clean.

Files (3 images of 4x5 pixels, pixel = 20*image + row*5 + col; labels 2, 0, 1):
  images.idx3-ubyte / images.idx3-ubyte.gz      good images, raw and gzip
  labels.idx1-ubyte / labels.idx1-ubyte.gz      good labels, raw and gzip
  labels-two.idx1-ubyte                         only 2 labels (count mismatch against 3 images)
  labels-out-of-range.idx1-ubyte                3 labels, one of them 12 (>= 10 classes)
  gzip-no-suffix.idx3-ubyte                     gzip data under a raw-looking name
  multi-member.idx3-ubyte.gz                    the images file split over two gzip members
  truncated.idx3-ubyte.gz                       the gzip file cut short (half its bytes)
  corrupt.idx3-ubyte.gz                         one byte of the deflate stream flipped (zlib data error)
  wrong-magic.idx3-ubyte                        starts with 'PK\\x03\\x04' instead of 00 00 08 03
  float-type.idx3-ubyte                         element type 0x0D (float), otherwise well formed
  dims-mismatch.idx3-ubyte                      header says 3x4x5 = 60 bytes, payload has 59
  truncated-header.idx3-ubyte                   says 3 dimensions, holds only 2 of them

Tar archives made by Python's tarfile, checking the Swift tar reader against another implementation;
each holds a directory, a 150-character file name (bytes 0..99), a symlink and a short file "hello\n":
  long-name-gnu.tar.gz                          GNU format: the long name in a GNU 'L' entry
  long-name-pax.tar.gz                          pax format: the long name in a pax 'x' header's path record
  long-name-ustar.tar.gz                        POSIX ustar: the long name split into prefix and name fields
"""
import gzip
import io
import os
import tarfile
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def idx(type_code, dims, payload):
    return bytes([0, 0, type_code, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + bytes(payload)


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def is_data_error(data):
    try:
        d = zlib.decompressobj(wbits=47)
        d.decompress(data)
        return False
    except zlib.error:
        return True


def is_truncated(data):
    d = zlib.decompressobj(wbits=47)
    d.decompress(data)
    return not d.eof


pixels = [20 * i + r * 5 + c for i in range(3) for r in range(4) for c in range(5)]
images = idx(0x08, [3, 4, 5], pixels)
labels = idx(0x08, [3], [2, 0, 1])

write("images.idx3-ubyte", images)
write("images.idx3-ubyte.gz", gz(images))
write("labels.idx1-ubyte", labels)
write("labels.idx1-ubyte.gz", gz(labels))
write("labels-two.idx1-ubyte", idx(0x08, [2], [2, 0]))
write("labels-out-of-range.idx1-ubyte", idx(0x08, [3], [2, 12, 1]))
write("gzip-no-suffix.idx3-ubyte", gz(images))
write("multi-member.idx3-ubyte.gz", gz(images[:30]) + gz(images[30:]))

full = gz(images)
truncated = full[: len(full) // 2]
assert is_truncated(truncated) and not is_data_error(truncated)
write("truncated.idx3-ubyte.gz", truncated)

# Flip one byte of the deflate stream (after the 10-byte header, before the 8-byte trailer), choosing the
# first position whose damage zlib reports as a data error rather than as a short stream.
for position in range(12, len(full) - 8):
    damaged = bytearray(full)
    damaged[position] ^= 0xFF
    if is_data_error(bytes(damaged)):
        write("corrupt.idx3-ubyte.gz", bytes(damaged))
        break
else:
    raise SystemExit("no flip position gives a zlib data error")

write("wrong-magic.idx3-ubyte", b"PK\x03\x04" + images[4:])
write("float-type.idx3-ubyte", idx(0x0D, [3], [0] * 12))
write("dims-mismatch.idx3-ubyte", images[:-1])
write("truncated-header.idx3-ubyte", images[:12])

LONG_NAME = "cifar-10-batches-bin/" + "a-long-directory-name/" * 5 + "data-with-a-long-name.bin"
assert 100 < len(LONG_NAME) <= 255, len(LONG_NAME)


def tar(fmt):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=fmt) as archive:
        def add(name, kind, data=b"", link=""):
            info = tarfile.TarInfo(name)
            info.type, info.size, info.linkname, info.mtime = kind, len(data), link, 0
            info.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
            info.uname = info.gname = "fovea"
            archive.addfile(info, io.BytesIO(data) if data else None)
        add("cifar-10-batches-bin", tarfile.DIRTYPE)
        add(LONG_NAME, tarfile.REGTYPE, bytes(range(100)))
        add("cifar-10-batches-bin/link", tarfile.SYMTYPE, link="short.txt")
        add("cifar-10-batches-bin/short.txt", tarfile.REGTYPE, b"hello\n")
    return buffer.getvalue()


gnu, pax, ustar = tar(tarfile.GNU_FORMAT), tar(tarfile.PAX_FORMAT), tar(tarfile.USTAR_FORMAT)
assert b"././@LongLink" in gnu and b"path=" + LONG_NAME.encode() in pax and LONG_NAME.encode() not in ustar
write("long-name-gnu.tar.gz", gz(gnu))
write("long-name-pax.tar.gz", gz(pax))
write("long-name-ustar.tar.gz", gz(ustar))
print("fixtures written to", HERE)
