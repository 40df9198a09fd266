"""What the interrupt scripts (interrupt.py, interrupt-sample.py) share:
waiting for a run sent a signal to end, and saying how it ended."""
import signal
import subprocess


def wait_stopped(run):
    """The run's status; a run that does not stop in 300 s is killed (a test
    that fails, not one that hangs) and "did not stop" printed."""
    try:
        return run.wait(timeout=300)
    except subprocess.TimeoutExpired:
        run.kill()
        status = run.wait()
        print("did not stop")
        return status


def ended(status):
    """"killed by SIGINT" (what a shell script needs to stop) or "exit N"."""
    if status < 0:
        return "killed by " + signal.Signals(-status).name
    return f"exit {status}"
