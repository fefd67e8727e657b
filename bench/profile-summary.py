#!/usr/bin/env python3
"""Summarises an async-profiler collapsed-stack file (taken with `threads`): where the samples went.

    bench/profile-summary.py FILE [--top N] [--grep REGEX ...]

Prints the share of samples per thread group (thread names with their numbers folded), the top frames by self
samples, and the top frames by inclusive samples (counted once per stack). Each --grep REGEX adds a line with the
share of stacks that contain a frame matching it (e.g. --grep 'ManagedFutureTask' --grep 'soteria').
"""
import argparse
import collections
import re
import sys


def group(thread):
    name = re.sub(r"\s*tid=\d+", "", thread.strip("[]"))
    return re.sub(r"[-_ #]?\d+", "#", name)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--grep", action="append", default=[])
    args = parser.parse_args()

    by_thread = collections.Counter()
    self_frames = collections.Counter()
    inclusive = collections.Counter()
    grep_hits = collections.Counter()
    total = 0
    with open(args.file) as lines:
        for line in lines:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not stack:
                continue
            n = int(count)
            frames = stack.split(";")
            total += n
            if frames[0].startswith("["):
                by_thread[group(frames[0])] += n
                frames = frames[1:]
            if frames:
                self_frames[frames[-1]] += n
            for frame in set(frames):
                inclusive[frame] += n
            for pattern in args.grep:
                if re.search(pattern, stack):
                    grep_hits[pattern] += n
    if total == 0:
        sys.exit("no samples in " + args.file)

    def show(title, counter):
        print(f"\n{title}")
        for name, n in counter.most_common(args.top):
            print(f"{100.0 * n / total:6.1f} %  {name}")

    print(f"{total} samples in {args.file}")
    show("by thread group", by_thread)
    show("by self frame", self_frames)
    show("by inclusive frame", inclusive)
    if args.grep:
        print("\nstacks containing")
        for pattern in args.grep:
            print(f"{100.0 * grep_hits[pattern] / total:6.1f} %  {pattern}")


if __name__ == "__main__":
    main()
