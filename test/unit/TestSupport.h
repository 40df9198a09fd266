//===- TestSupport.h - what the runtime's unit tests share ------*- C++ -*-===//

#ifndef GMC_TEST_UNIT_TESTSUPPORT_H
#define GMC_TEST_UNIT_TESTSUPPORT_H

#include "runtime/core/error.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <dirent.h>
#include <random>
#include <string>
#include <vector>

namespace gmtest {

/// A fresh temporary directory per test, removed afterwards.
class TempDirTest : public ::testing::Test {
protected:
  void SetUp() override {
    char pattern[] = "/tmp/gmrt-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir = pattern;
  }
  void TearDown() override {
    std::string command = "rm -rf '" + dir + "'";
    ASSERT_EQ(std::system(command.c_str()), 0);
  }
  std::string path(const std::string &name) const { return dir + "/" + name; }
  /// The directory's entries, sorted.
  std::vector<std::string> files() const {
    std::vector<std::string> names;
    if (DIR *d = opendir(dir.c_str())) {
      while (dirent *e = readdir(d))
        if (e->d_name[0] != '.')
          names.push_back(e->d_name);
      closedir(d);
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  std::string dir;
};

/// The message of the gmrt::Error `f` throws ("" if none).
template <typename F> std::string errorOf(F f) {
  try {
    f();
  } catch (const gmrt::Error &e) {
    return e.what();
  }
  return "";
}

inline bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

/// `n` standard normal floats, the same for the same seed.
inline std::vector<float> randomVector(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> d;
  std::vector<float> v(n);
  for (float &x : v)
    x = d(gen);
  return v;
}

} // namespace gmtest

#endif // GMC_TEST_UNIT_TESTSUPPORT_H
