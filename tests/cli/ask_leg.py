#!/usr/bin/python3
"""Run `rollmap record -p PORT` on a pseudo-terminal and answer its leg
question with each of ANSWERS (comma-separated) in turn; print its exit
status. For tests/cli/test_tag.sh.
  ask_leg.py ROLLMAP PORT ANSWERS
"""
import os
import pty
import sys

rollmap, port, answers = sys.argv[1:4]
pid, fd = pty.fork()
if pid == 0:
    os.execv(rollmap, [rollmap, "record", "-q", "-p", port, "-o", port + ".wav"])


def read_some():
    try:
        return os.read(fd, 1024)
    except OSError:
        return b""


for answer in answers.split(","):
    seen = b""
    while b"[l/r]" not in seen:
        chunk = read_some()
        if not chunk:
            break
        seen += chunk
    os.write(fd, answer.encode() + b"\n")
while read_some():
    pass
print(os.waitpid(pid, 0)[1] >> 8)
