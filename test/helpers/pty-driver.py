"""Runs a command on a fresh pseudo-terminal and drives it like a user at a keyboard.

Usage: pty-driver.py STEPS_JSON -- COMMAND...
STEPS_JSON is a list of steps, done in order:
  ["expect", REGEX]      wait until the output (since the last expect, CRs removed) matches REGEX
  ["send", TEXT]         type TEXT (control characters as they are, e.g. "\u0003" for Ctrl-C)
  ["resize", ROWS, COLS] resize the terminal (the command's process group gets SIGWINCH)
Prints one JSON object: {"status": exit status or null, "output": everything read (without CRs), "failed": why or null,
"cooked": whether the terminal was back in canonical mode with echo once the command had exited}.
"""
import errno, fcntl, json, os, pty, re, select, signal, struct, sys, termios, time

TIMEOUT = float(os.environ.get("PTY_TIMEOUT", "120"))  # per expect: generous, tests run on loaded machines


def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))


def main():
    steps = json.loads(sys.argv[1])
    command = sys.argv[sys.argv.index('--') + 1:]
    pid, master = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    set_size(master, 24, 80)
    output = b''
    mark = 0
    failed = None
    done = False

    def read_some(deadline):
        nonlocal output, done
        ready, _, _ = select.select([master], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            return
        try:
            data = os.read(master, 65536)
        except OSError as e:
            if e.errno != errno.EIO:
                raise
            data = b''
        if not data:
            done = True
        for _ in range(data.count(b'\x1b[6n')):  # answer cursor-position queries as a terminal does
            os.write(master, b'\x1b[1;1R')
        output += data.replace(b'\r', b'')  # matched as lines: a terminal's CRs only get in the way

    for step in steps:
        if step[0] == 'send':
            os.write(master, step[1].encode())
        elif step[0] == 'resize':
            set_size(master, step[1], step[2])  # the kernel sends SIGWINCH to the foreground group
        elif step[0] == 'expect':
            pattern = re.compile(step[1].encode())
            deadline = time.monotonic() + TIMEOUT
            while True:
                found = pattern.search(output, mark)
                if found:
                    mark = found.end()
                    break
                if done or time.monotonic() > deadline:
                    failed = 'expect %r: %s' % (step[1], 'output ended' if done else 'timed out')
                    break
                read_some(deadline)
            if failed:
                break
    if failed:
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + TIMEOUT
    while not done and time.monotonic() < deadline:
        read_some(deadline)
    status = None
    if done:
        _, raw = os.waitpid(pid, 0)
        status = os.waitstatus_to_exitcode(raw)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        failed = failed or 'the command did not exit'
    lflag = termios.tcgetattr(master)[3]  # the slave's settings, as the command left them
    cooked = bool(lflag & termios.ICANON) and bool(lflag & termios.ECHO)
    print(json.dumps({'status': status, 'output': output.decode('utf-8', 'replace'), 'failed': failed, 'cooked': cooked}))


main()
