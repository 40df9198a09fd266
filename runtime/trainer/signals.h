//===- signals.h - stopping at the end of a step, the work kept -*- C++ -*-===//
//
// Ctrl-C, SIGTERM and SIGHUP ask training to stop after its step, and
// sampling after its call, with the work written; the process then ends
// by the signal, as the shell expects.
//
//===----------------------------------------------------------------------===//

#ifndef GMRT_TRAINER_SIGNALS_H
#define GMRT_TRAINER_SIGNALS_H

#include <csignal>
#include <iterator>
#include <signal.h>

namespace gmrt {

/// While it lives, Ctrl-C (SIGINT) and what `kill`, `timeout` and a batch
/// system's preemption (SIGTERM) or a closed terminal (SIGHUP) send ask
/// training to stop at the end of the step, with a checkpoint (sampling:
/// at the end of the sampler call, writing the samples drawn). SIGHUP
/// stays ignored when the trainer was started so (`nohup`); SIGINT is
/// caught even then (a shell starts background jobs ignoring it, yet a
/// `kill -INT` sent to one means stop). At the end each is as it was.
class StopSignals {
public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals &) = delete;
  StopSignals &operator=(const StopSignals &) = delete;

private:
  static constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
  struct sigaction previous_[std::size(kSignals)];
};

/// The signal that asked training or sampling to stop (0: none).
int stopRequested();

/// Ends the process by `signal`, as the shell expects of a program that was
/// interrupted: `train; sample`, `train && sample` and `set -e` scripts all
/// stop there (status 128 + signal).
[[noreturn]] void dieOf(int signal);

} // namespace gmrt

#endif // GMRT_TRAINER_SIGNALS_H
