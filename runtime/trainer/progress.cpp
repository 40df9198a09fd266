//===- progress.cpp - what training shows while it runs -------------------===//

#include "runtime/trainer/progress.h"

#include <cmath>
#include <unistd.h>

namespace gmrt {

using Clock = std::chrono::steady_clock;

/// A terminal is redrawn at most this often.
constexpr double kRedrawSeconds = 0.1;

std::string formatNumber(double value, int digits) {
  if (std::isnan(value))
    return "nan";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*g", digits, value);
  return buf;
}

std::string formatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0)
    return "?";
  long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, s / 60 % 60);
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%lds", s);
  return buf;
}

Progress::Progress(std::string phase, uint64_t firstStep, uint64_t lastStep,
                   int64_t examplesPerStep, uint64_t logEvery, std::FILE *out)
    : phase_(std::move(phase)), first_(firstStep), last_(lastStep),
      examplesPerStep_(examplesPerStep), logEvery_(logEvery ? logEvery : 1),
      out_(out), terminal_(::isatty(::fileno(out)) != 0), start_(Clock::now()),
      lastDraw_(start_) {}

double Progress::seconds() const {
  return std::chrono::duration<double>(Clock::now() - start_).count();
}

double Progress::examplesPerSecond() const {
  double s = seconds();
  return s > 0 ? done_ * examplesPerStep_ / s : 0;
}

std::string
Progress::line(uint64_t step,
               const std::vector<std::pair<std::string, double>> &reports,
               bool bar) const {
  std::string s;
  char buf[128];
  if (bar) {
    constexpr int kWidth = 24;
    double fraction =
        last_ > first_ ? double(step - first_) / (last_ - first_) : 1;
    int filled = static_cast<int>(fraction * kWidth);
    s += "[" + std::string(filled, '#') + std::string(kWidth - filled, '.') +
         "] ";
  }
  std::snprintf(buf, sizeof buf, "%s step %llu/%llu", phase_.c_str(),
                static_cast<unsigned long long>(step),
                static_cast<unsigned long long>(last_));
  s += buf;
  for (const auto &[name, value] : reports) {
    std::snprintf(buf, sizeof buf, "  %s %s", name.c_str(),
                  formatNumber(value, 5).c_str());
    s += buf;
  }
  if (examplesPerStep_ > 0) { // not for phases that read no data
    std::snprintf(buf, sizeof buf, "  %.0f img/s", examplesPerSecond());
    s += buf;
  }
  double perStep = done_ ? seconds() / done_ : 0;
  s += "  ETA " + formatDuration(perStep * (last_ - step));
  return s;
}

void Progress::update(
    uint64_t step, const std::vector<std::pair<std::string, double>> &reports) {
  ++done_;
  if (terminal_) {
    auto now = Clock::now();
    if (step != last_ &&
        std::chrono::duration<double>(now - lastDraw_).count() <
            kRedrawSeconds) {
      skipped_ = true;
      skippedStep_ = step;
      skippedReports_ = reports;
      return;
    }
    lastDraw_ = now;
    draw(step, reports);
    return;
  }
  if (step % logEvery_ == 0 || step == last_) {
    std::fprintf(out_, "%s\n", line(step, reports, false).c_str());
    std::fflush(out_);
  }
}

void Progress::draw(
    uint64_t step, const std::vector<std::pair<std::string, double>> &reports) {
  std::fprintf(out_, "\r%s\033[K", line(step, reports, true).c_str());
  std::fflush(out_);
  drawn_ = true;
  skipped_ = false;
}

void Progress::finish() {
  if (!terminal_)
    return;
  // A run stopped early shows the step it reached, not one before.
  if (skipped_)
    draw(skippedStep_, skippedReports_);
  if (drawn_) {
    std::fprintf(out_, "\n");
    std::fflush(out_);
    drawn_ = false;
  }
}

} // namespace gmrt
