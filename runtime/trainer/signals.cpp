//===- signals.cpp - stopping at the end of a step, the work kept ---------===//

#include "runtime/trainer/signals.h"

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <signal.h>

namespace gmrt {

namespace {

std::atomic<int> interrupted{0};

void onInterrupt(int signal) {
  interrupted = signal;
  // A second one ends the process at once.
  std::signal(signal, SIG_DFL);
}

} // namespace

StopSignals::StopSignals() {
  struct sigaction stop = {};
  stop.sa_handler = onInterrupt;
  sigemptyset(&stop.sa_mask);
  for (size_t i = 0; i < std::size(kSignals); ++i) {
    ::sigaction(kSignals[i], nullptr, &previous_[i]);
    if (kSignals[i] != SIGHUP || previous_[i].sa_handler != SIG_IGN)
      ::sigaction(kSignals[i], &stop, nullptr);
  }
}

StopSignals::~StopSignals() {
  for (size_t i = 0; i < std::size(kSignals); ++i)
    ::sigaction(kSignals[i], &previous_[i], nullptr);
}

int stopRequested() { return interrupted; }

void dieOf(int signal) {
  std::cout.flush();
  std::signal(signal, SIG_DFL);
  std::raise(signal);
  std::_Exit(128 + signal); // if the signal is blocked
}

} // namespace gmrt
