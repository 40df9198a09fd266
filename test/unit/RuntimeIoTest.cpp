//===- RuntimeIoTest.cpp - datasets, checkpoints, NPY, PNG, metrics -------===//
//
// Each file format round-trips, and each kind of damage (missing, truncated,
// corrupt, inconsistent) is an error that names the file and the problem.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/error.h"
#include "runtime/io/dataset.h"
#include "runtime/io/file.h"
#include "runtime/io/idx.h"
#include "runtime/io/metrics.h"
#include "runtime/io/npy.h"
#include "runtime/io/png.h"
#include "runtime/io/safetensors.h"

#include <gtest/gtest.h>
#include <png.h>
#include <zlib.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "TestSupport.h"

using namespace gmrt;

namespace {

using gmtest::errorOf;

class RuntimeIo : public gmtest::TempDirTest {
protected:
  void writeRaw(const std::string &name, const std::string &bytes) {
    std::ofstream(path(name), std::ios::binary) << bytes;
  }
};

std::string idxBytes(std::vector<int> dims, const std::string &data) {
  std::string out{0, 0, 8, static_cast<char>(dims.size())};
  for (int d : dims)
    for (int shift : {24, 16, 8, 0})
      out += static_cast<char>((d >> shift) & 0xff);
  return out + data;
}

TEST(RuntimeMessages, CountsAgreeWithTheirNouns) {
  EXPECT_EQ(count(1, "batch"), "1 batch");
  EXPECT_EQ(count(2, "batch"), "2 batches");
  EXPECT_EQ(count(0, "sample"), "0 samples");
  EXPECT_EQ(count(9984, "example"), "9984 examples");
}

TEST_F(RuntimeIo, IdxRawAndGzip) {
  std::string data = idxBytes({2, 2, 3}, std::string("\x01\x02\x03\x04\x05\x06"
                                                     "\x07\x08\x09\x0a\x0b\x0c",
                                                     12));
  writeRaw("raw-idx3-ubyte", data);
  IdxBytes raw = readIdx(path("raw-idx3-ubyte"));
  EXPECT_EQ(raw.dims, (std::vector<int64_t>{2, 2, 3}));
  EXPECT_EQ(raw.data[11], 12);

  gzFile gz = gzopen(path("z-idx3-ubyte.gz").c_str(), "wb");
  gzwrite(gz, data.data(), static_cast<unsigned>(data.size()));
  gzclose(gz);
  IdxBytes unzipped = readIdx(path("z-idx3-ubyte.gz"));
  EXPECT_EQ(unzipped.data, raw.data);
}

TEST_F(RuntimeIo, IdxErrorsNameTheFileAndTheProblem) {
  EXPECT_NE(errorOf([&] { readIdx(path("missing")); }).find("cannot open"),
            std::string::npos);
  writeRaw("truncated", idxBytes({10, 2, 2}, "abc"));
  std::string e = errorOf([&] { readIdx(path("truncated")); });
  EXPECT_NE(e.find(path("truncated") + ": truncated"), std::string::npos) << e;
  writeRaw("notidx", "PK\x03\x04 not an idx file");
  EXPECT_NE(errorOf([&] { readIdx(path("notidx")); }).find("not an IDX file"),
            std::string::npos);
  writeRaw("floats", std::string("\0\0\x0d\x01\0\0\0\x01"
                                 "abcd",
                                 12));
  EXPECT_NE(
      errorOf([&] { readIdx(path("floats")); }).find("not unsigned bytes"),
      std::string::npos);
  writeRaw("trailing", idxBytes({2}, "abX"));
  EXPECT_NE(errorOf([&] { readIdx(path("trailing")); }).find("trailing bytes"),
            std::string::npos);
}

TEST_F(RuntimeIo, FashionMnistFromDebian) {
  if (access("/usr/share/datasets/fashion-mnist", R_OK) != 0)
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  ImageSet test = loadImages(kDefaultDataRoot, "fashion-mnist", "test", true);
  EXPECT_EQ(test.count, 10000);
  EXPECT_EQ(test.height, 28);
  EXPECT_EQ(test.width, 28);
  ASSERT_EQ(test.labels.size(), 10000u);
  EXPECT_EQ(test.labels[0], 9); // The first test image is an ankle boot.
  int counts[10] = {};
  for (int32_t l : test.labels)
    ++counts[l];
  for (int c : counts)
    EXPECT_EQ(c, 1000);
}

TEST_F(RuntimeIo, MissingDatasetSaysHowToGetIt) {
  std::string e =
      errorOf([&] { loadImages(dir, "fashion-mnist", "train", false); });
  EXPECT_NE(e.find("apt-get install dataset-fashion-mnist"), std::string::npos)
      << e;
  EXPECT_NE(e.find("--data DIR"), std::string::npos) << e;
  // MNIST has no Debian package: the remedy is to fetch it.
  e = errorOf([&] { loadImages(dir, "mnist", "test", false); });
  EXPECT_NE(e.find("Debian has no mnist package: fetch it and pass --data "
                   "DIR, with mnist/t10k-images-idx3-ubyte[.gz] in DIR"),
            std::string::npos)
      << e;
  EXPECT_EQ(e.find("apt-get"), std::string::npos) << e;
}

TEST_F(RuntimeIo, BatchesAreShuffledDeterministicallyAndResumable) {
  ImageSet set;
  set.count = 10;
  set.height = 1;
  set.width = 1;
  for (int i = 0; i < 10; ++i) {
    set.images.push_back(static_cast<uint8_t>(i * 25));
    set.labels.push_back(i);
  }
  Batcher a(set, 4, 7, true), b(set, 4, 7, true);
  std::vector<int32_t> seen;
  float images[4];
  int32_t labels[4];
  for (int step = 0; step < 5; ++step) { // 20 examples: two epochs
    a.next(images, labels);
    seen.insert(seen.end(), labels, labels + 4);
    EXPECT_FLOAT_EQ(images[0], labels[0] * 25 / 255.0f);
  }
  std::vector<int32_t> epoch0(seen.begin(), seen.begin() + 10);
  std::sort(epoch0.begin(), epoch0.end());
  EXPECT_EQ(epoch0, (std::vector<int32_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_NE(std::vector<int32_t>(seen.begin(), seen.begin() + 10),
            std::vector<int32_t>(seen.begin() + 10, seen.end()));
  // A resumed batcher continues the same sequence.
  b.seek(3);
  b.next(images, labels);
  EXPECT_EQ(std::vector<int32_t>(labels, labels + 4),
            std::vector<int32_t>(seen.begin() + 12, seen.begin() + 16));
}

TEST_F(RuntimeIo, NpyRoundTripAndErrors) {
  float data[6] = {0.5f, -1, 2, 3.25f, 4, 5};
  writeNpy(path("x.npy"), {2, 3}, data);
  NpyArray a = readNpy(path("x.npy"));
  EXPECT_EQ(a.type, NpyType::F32);
  EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(a.toFloat(), std::vector<float>(data, data + 6));

  std::string header =
      "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }";
  writeRaw("f64.npy", std::string("\x93NUMPY\x01\x00", 8) +
                          static_cast<char>(header.size()) + '\0' + header +
                          std::string(8, '\0'));
  EXPECT_NE(
      errorOf([&] { readNpy(path("f64.npy")); }).find("'<f8' is not supported"),
      std::string::npos);
  // Cut the data short.
  std::vector<uint8_t> bytes = readFile(path("x.npy"));
  writeRaw("cut.npy", std::string(bytes.begin(), bytes.end() - 4));
  EXPECT_NE(
      errorOf([&] { readNpy(path("cut.npy")); }).find("its header promises"),
      std::string::npos);
  writeRaw("junk.npy", "hello");
  EXPECT_NE(errorOf([&] { readNpy(path("junk.npy")); }).find("not a .npy file"),
            std::string::npos);
  // Shapes are input: a negative dimension, and one so large that the
  // byte count overflows, are errors naming the file (not a bad_alloc).
  auto withShape = [&](const std::string &name, const std::string &shape) {
    std::string h =
        "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape + "), }";
    writeRaw(name, std::string("\x93NUMPY\x01\x00", 8) +
                       static_cast<char>(h.size()) + '\0' + h +
                       std::string(16, '\0'));
    return errorOf([&] { readNpy(path(name)); });
  };
  std::string e = withShape("negative.npy", "-5, 1, 7, 7");
  EXPECT_NE(e.find("negative.npy: .npy header has a dimension '-5'"),
            std::string::npos)
      << e;
  e = withShape("huge.npy", "4611686018427387904, 1, 7, 7");
  EXPECT_NE(e.find("huge.npy: .npy header's shape"), std::string::npos) << e;
  EXPECT_NE(e.find("more bytes than a machine can address"), std::string::npos);
  e = withShape("digits.npy", "123456789012345678901234, 1");
  EXPECT_NE(e.find("more bytes than a machine can address"), std::string::npos)
      << e;
  // (4,) and (2, 2) hold 16 bytes: read.
  EXPECT_EQ(withShape("four.npy", "4,"), "");
  EXPECT_EQ(withShape("square.npy", "2, 2"), "");
  EXPECT_EQ(withShape("python2.npy", "2L, 2L"), "");
  EXPECT_NE(withShape("empty-dim.npy", "2, , 2").find("an empty dimension"),
            std::string::npos);
}

// A valid header numpy reads, however long: the parser does not recurse per
// character (std::regex did, and a shape padded with 60000 spaces, or a
// long dtype, overflowed the stack).
TEST_F(RuntimeIo, NpyLongHeadersAreRead) {
  auto write = [&](const std::string &name, const std::string &h,
                   size_t dataBytes) {
    uint32_t n = h.size();
    std::string len{char(n), char(n >> 8), char(n >> 16), char(n >> 24)};
    writeRaw(name, std::string("\x93NUMPY\x02\x00", 8) + len + h +
                       std::string(dataBytes, '\0'));
  };
  write("spaces.npy",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (10, 3" +
            std::string(60000, ' ') + "), }",
        120);
  NpyArray a = readNpy(path("spaces.npy"));
  EXPECT_EQ(a.shape, (std::vector<int64_t>{10, 3}));
  // Keys in another order, double quotes, an unknown key with a nested value.
  write("order.npy",
        "{\"shape\": (2,), \"extra\": {'a': (1, [2])}, \"fortran_order\": "
        "False, \"descr\": \"<i4\"}",
        8);
  a = readNpy(path("order.npy"));
  EXPECT_EQ(a.type, NpyType::I32);
  EXPECT_EQ(a.shape, (std::vector<int64_t>{2}));
  // Each refused with its reason, the file named.
  auto refused = [&](const std::string &name, const std::string &header,
                     size_t dataBytes, const std::string &reason) {
    write(name, header, dataBytes);
    std::string e = errorOf([&] { readNpy(path(name)); });
    EXPECT_NE(e.find(name + ": " + reason), std::string::npos) << e;
  };
  refused("long-descr.npy",
          "{'descr': '" + std::string(50000, 'x') +
              "', 'fortran_order': False, 'shape': (1,), }",
          4, ".npy dtype '" + std::string(50000, 'x') + "' is not supported");
  refused("fortran.npy",
          "{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", 4,
          ".npy data is in Fortran order");
  // A structured dtype is said to be one (not "not a dict literal"); an
  // unknown key's value may hold brackets in its strings.
  refused("fields.npy",
          "{'descr': [('a', '<f4'), ('b)', '<i4')], 'fortran_order': False, "
          "'shape': (1,), }",
          8, ".npy data has a structured dtype");
  write("odd-key.npy",
        "{'note': ['x)]', (1, 2)], 'descr': '<f4', 'fortran_order': False, "
        "'shape': (1,), }",
        4);
  EXPECT_EQ(readNpy(path("odd-key.npy")).shape, std::vector<int64_t>{1});
  refused("broken.npy", "{'descr': '<f4', 'shape' (1,)}", 4,
          ".npy header is not a dict literal (expected ':'");
}

TEST_F(RuntimeIo, SafetensorsRoundTrip) {
  Safetensors file;
  file.metadata = {{"step", "200"}, {"phase", "train"}, {"model", "abc123"}};
  float w[3] = {1, 2, 3};
  StoredTensor t{"F32", {3}, {}};
  t.bytes.assign(reinterpret_cast<uint8_t *>(w),
                 reinterpret_cast<uint8_t *>(w) + 12);
  file.tensors["encoder.linear_0.weight"] = t;
  file.tensors["step"] = StoredTensor{"I64", {}, std::vector<uint8_t>(8, 0)};
  writeSafetensors(path("ckpt.safetensors"), file);
  Safetensors back = readSafetensors(path("ckpt.safetensors"));
  EXPECT_EQ(back.metadata, file.metadata);
  ASSERT_EQ(back.tensors.size(), 2u);
  EXPECT_EQ(back.tensors["encoder.linear_0.weight"].bytes, t.bytes);
  EXPECT_EQ(back.tensors["encoder.linear_0.weight"].shape, t.shape);
  EXPECT_TRUE(back.tensors["step"].shape.empty());
  // No temporary file is left behind.
  EXPECT_EQ(files(), std::vector<std::string>{"ckpt.safetensors"});
}

TEST_F(RuntimeIo, SafetensorsDamageIsReported) {
  Safetensors file;
  file.tensors["w"] = StoredTensor{"F32", {4}, std::vector<uint8_t>(16, 1)};
  writeSafetensors(path("good"), file);
  std::vector<uint8_t> bytes = readFile(path("good"));

  writeRaw("cut", std::string(bytes.begin(), bytes.end() - 5));
  std::string e = errorOf([&] { readSafetensors(path("cut")); });
  EXPECT_NE(e.find("tensor 'w' lies outside the file"), std::string::npos) << e;
  EXPECT_NE(e.find("(the file is truncated or damaged)"), std::string::npos)
      << e;

  writeRaw("short", "abc");
  EXPECT_NE(errorOf([&] { readSafetensors(path("short")); }).find("8-byte"),
            std::string::npos);

  std::string corrupt(bytes.begin(), bytes.end());
  corrupt[9] = '!'; // Inside the JSON header.
  writeRaw("json", corrupt);
  EXPECT_NE(
      errorOf([&] { readSafetensors(path("json")); }).find("does not parse"),
      std::string::npos);

  std::string huge(bytes.begin(), bytes.end());
  huge[7] = 0x7f; // A header length beyond the file.
  writeRaw("length", huge);
  EXPECT_NE(errorOf([&] {
              readSafetensors(path("length"));
            }).find("exceeds the file"),
            std::string::npos);
}

TEST_F(RuntimeIo, PngGridHasTheRightSizeAndPixels) {
  // Two 1x2x3 images: a ramp and its negative, in a grid 2 wide.
  float images[12] = {0, 0.5f, 1, 0, 0.5f, 1, 1, 0.5f, 0, 1, 0.5f, 0};
  writePngGrid(path("grid.png"), images, 2, 1, 2, 3, 2);
  FILE *f = fopen(path("grid.png").c_str(), "rb");
  ASSERT_NE(f, nullptr);
  png_structp png =
      png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  png_init_io(png, f);
  png_read_png(png, info, PNG_TRANSFORM_IDENTITY, nullptr);
  EXPECT_EQ(png_get_image_width(png, info), 2u * (3 + 2) + 2);
  EXPECT_EQ(png_get_image_height(png, info), 1u * (2 + 2) + 2);
  EXPECT_EQ(png_get_color_type(png, info), PNG_COLOR_TYPE_GRAY);
  png_bytepp rows = png_get_rows(png, info);
  EXPECT_EQ(rows[2][2], 0);   // first image, top-left
  EXPECT_EQ(rows[2][3], 128); // 0.5
  EXPECT_EQ(rows[2][4], 255);
  EXPECT_EQ(rows[2][7], 255); // second image starts after a 2-pixel border
  EXPECT_EQ(rows[0][0], 0);   // border
  png_destroy_read_struct(&png, &info, nullptr);
  fclose(f);
}

TEST_F(RuntimeIo, MetricsAreJsonLines) {
  {
    MetricsLog log(path("metrics.jsonl"));
    log.write("train", 1, {{"recon", 250.5}, {"kl", 0.1}},
              {{"img_per_s", 900}});
    log.write("train", 2, {{"recon", std::nan("")}});
  }
  std::ifstream in(path("metrics.jsonl"));
  std::string first, second;
  std::getline(in, first);
  std::getline(in, second);
  EXPECT_EQ(
      first,
      R"({"phase":"train","step":1,"recon":250.5,"kl":0.1,"img_per_s":900.0})");
  EXPECT_EQ(second, R"({"phase":"train","step":2,"recon":"nan"})");
}

TEST_F(RuntimeIo, MetricsPastACheckpointAreForgotten) {
  writeRaw("metrics.jsonl", R"({"phase":"train","step":1,"loss":1}
{"phase":"train","step":3,"loss":0.5}
not json at all
{"phase":"eval","step":9,"nelbo":250}
{"phase":"prior","step":2,"loss":4}
)");
  forgetMetricsAfter(path("metrics.jsonl"), {{"train", 2}, {"prior", 5}});
  std::vector<uint8_t> bytes = readFile(path("metrics.jsonl"));
  EXPECT_EQ(std::string(bytes.begin(), bytes.end()),
            R"({"phase":"train","step":1,"loss":1}
not json at all
{"phase":"eval","step":9,"nelbo":250}
{"phase":"prior","step":2,"loss":4}
)");
  // No log: nothing to do.
  forgetMetricsAfter(path("none.jsonl"), {{"train", 2}});
  EXPECT_TRUE(errorOf([&] { readFile(path("none.jsonl")); }) != "");
}

TEST_F(RuntimeIo, MetricsAppendUnlessStartedOver) {
  auto lines = [&] {
    std::ifstream in(path("metrics.jsonl"));
    std::string line;
    int count = 0;
    while (std::getline(in, line))
      ++count;
    return count;
  };
  MetricsLog(path("metrics.jsonl")).write("train", 1, {{"loss", 1.0}});
  MetricsLog(path("metrics.jsonl")).write("train", 2, {{"loss", 0.5}});
  EXPECT_EQ(lines(), 2);
  MetricsLog(path("metrics.jsonl"), /*startOver=*/true)
      .write("train", 1, {{"loss", 0.9}});
  EXPECT_EQ(lines(), 1);
}

// A last line cut short (a crash while it was written) is dropped before
// the next record, which would otherwise join it into one bad line.
TEST_F(RuntimeIo, AppendDropsALastLineCutShort) {
  auto contents = [&] {
    std::vector<uint8_t> bytes = readFile(path("log"));
    return std::string(bytes.begin(), bytes.end());
  };
  writeRaw("log", "{\"step\":1}\n{\"st");
  AppendFile(path("log"), false).append("{\"step\":2}\n");
  EXPECT_EQ(contents(), "{\"step\":1}\n{\"step\":2}\n");
  writeRaw("log", "no newline at all");
  AppendFile(path("log"), false).append("x\n");
  EXPECT_EQ(contents(), "x\n");
  // Whole lines stay, an empty file too.
  AppendFile(path("log"), false).append("y\n");
  EXPECT_EQ(contents(), "x\ny\n");
  writeRaw("log", "");
  AppendFile(path("log"), false).append("z\n");
  EXPECT_EQ(contents(), "z\n");
}

} // namespace
