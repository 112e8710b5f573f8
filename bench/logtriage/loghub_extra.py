#!/usr/bin/env python3
"""Grouping accuracy on Loghub samples that are not in ../shared, beside Drain3 in the same run.

Usage: loghub_extra.py DRIVER SCORER DIR [--work WORK]

DIR holds one folder per data set, named as in logpai/loghub (Linux, Mac, Android, ...), each
with a `<DS>_2k.log_structured.csv`, or any prefix of its rows (`rows.txt`; the EventTemplate
column may be cut off, the EventId column is the key then). The data stays outside the project.

For each data set two inputs are made from the rows: the content column alone, and raw lines
rebuilt from the header columns with the data set's Loghub log format. deployotron groups both
(`DRIVER perline`), with the one setting it uses everywhere. Drain3 groups the content with
logparser's published per-data-set settings (masking regexes, similarity, depth) as the
reference; the published Drain figure on the whole 2k sample is printed too.
"""
import argparse
import csv
import json
import os
import re
import subprocess
import sys

# The Loghub log formats (logparser's benchmark settings): how a raw line is laid out.
FORMATS = {
    "HDFS": "<Date> <Time> <Pid> <Level> <Component>: <Content>",
    "Hadoop": r"<Date> <Time> <Level> \[<Process>\] <Component>: <Content>",
    "Spark": "<Date> <Time> <Level> <Component>: <Content>",
    "Zookeeper": r"<Date> <Time> - <Level>  \[<Node>:<Component>@<Id>\] - <Content>",
    "BGL": "<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>",
    "HPC": "<LogId> <Node> <Component> <State> <Time> <Flag> <Content>",
    "Thunderbird": r"<Label> <Timestamp> <Date> <User> <Month> <Day> <Time> <Location> <Component>(\[<PID>\])?: <Content>",
    "Windows": "<Date> <Time>, <Level>                  <Component>    <Content>",
    "Linux": r"<Month> <Date> <Time> <Level> <Component>(\[<PID>\])?: <Content>",
    "Android": "<Date> <Time>  <Pid>  <Tid> <Level> <Component>: <Content>",
    "HealthApp": r"<Time>\|<Component>\|<Pid>\|<Content>",
    "Apache": r"\[<Time>\] \[<Level>\] <Content>",
    "Proxifier": r"\[<Time>\] <Program> - <Content>",
    "OpenSSH": r"<Date> <Day> <Time> <Component> sshd\[<Pid>\]: <Content>",
    "OpenStack": r"<Logrecord> <Date> <Time> <Pid> <Level> <Component> \[<ADDR>\] <Content>",
    "Mac": r"<Month>  <Date> <Time> <User> <Component>\[<PID>\]( \(<Address>\))?: <Content>",
}

# Drain's settings in logparser's benchmark (Zhu et al. 2019), and its published GA on the 2k samples.
DRAIN = {
    "HDFS": ([r"blk_-?\d+", r"(\d+\.){3}\d+(:\d+)?"], 0.5, 4, 0.998),
    "Hadoop": ([r"(\d+\.){3}\d+"], 0.5, 4, 0.948),
    "Spark": ([r"(\d+\.){3}\d+", r"\b[KGTM]?B\b", r"([\w-]+\.){2,}[\w-]+"], 0.5, 4, 0.920),
    "Zookeeper": ([r"(/|)(\d+\.){3}\d+(:\d+)?"], 0.5, 4, 0.967),
    "BGL": ([r"core\.\d+"], 0.5, 4, 0.963),
    "HPC": ([r"=\d+"], 0.5, 4, 0.887),
    "Thunderbird": ([r"(\d+\.){3}\d+"], 0.5, 4, 0.955),
    "Windows": ([r"0x.*?\s"], 0.7, 5, 0.997),
    "Linux": ([r"(\d+\.){3}\d+", r"\d{2}:\d{2}:\d{2}"], 0.39, 6, 0.690),
    "Android": ([r"(/[\w-]+)+", r"([\w-]+\.){2,}[\w-]+",
                 r"\b(\-?\+?\d+)\b|\b0[Xx][a-fA-F\d]+\b|\b[a-fA-F\d]{4,}\b"], 0.2, 6, 0.911),
    "HealthApp": ([], 0.2, 4, 0.780),
    "Apache": ([r"(\d+\.){3}\d+"], 0.5, 4, 1.0),
    "Proxifier": ([r"<\d+\ssec", r"([\w-]+\.)+[\w-]+(:\d+)?", r"\d{2}:\d{2}(:\d{2})*", r"[KGTM]B"], 0.6, 3, 0.527),
    "OpenSSH": ([r"(\d+\.){3}\d+", r"([\w-]+\.){2,}[\w-]+"], 0.6, 5, 0.788),
    "OpenStack": ([r"((\d+\.){3}\d+,?)+", r"/.+?\s", r"\d+"], 0.5, 5, 0.733),
    "Mac": ([r"([\w-]+\.){2,}[\w-]+"], 0.7, 6, 0.787),
}


def render(fmt, row):
    """A raw line from the row's columns; an optional `( ... )?` part only when its fields are set."""
    def optional(match):
        inner = match.group(1)
        fields = re.findall(r"<(\w+)>", inner)
        return inner if all(row.get(f) for f in fields) else ""
    fmt = re.sub(r"\((.*?)\)\?", optional, fmt)
    line = re.sub(r"<(\w+)>", lambda m: row.get(m.group(1), ""), fmt)
    return line.replace("\\[", "[").replace("\\]", "]").replace("\\|", "|")


def read_rows(folder, name):
    for candidate in (f"{name}_2k.log_structured.csv", "rows.txt"):
        path = os.path.join(folder, candidate)
        if os.path.exists(path):
            with open(path, newline="", encoding="utf-8") as f:
                return path, list(csv.DictReader(f))
    return None, []


def drain3_ids(contents, regexes, st, depth):
    from drain3 import TemplateMiner
    from drain3.masking import MaskingInstruction
    from drain3.template_miner_config import TemplateMinerConfig
    config = TemplateMinerConfig()
    config.profiling_enabled = False
    config.drain_sim_th = st
    config.drain_depth = depth
    config.masking_instructions = [MaskingInstruction(r, "*") for r in regexes]
    miner = TemplateMiner(config=config)
    ids = [miner.add_log_message(text)["cluster_id"] for text in contents]
    return ids


def score(scorer, truth_csv, ids, work, tag):
    path = os.path.join(work, f"{tag}.ids")
    with open(path, "w") as f:
        f.write("".join(f"{i}\n" for i in ids))
    out = subprocess.run([sys.executable, scorer, truth_csv, path, "--key", "EventId", "--json"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("driver")
    parser.add_argument("scorer")
    parser.add_argument("dir")
    parser.add_argument("--work", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "logtriage-bench"))
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    print("%-10s %6s %9s %9s %11s %15s" % ("dataset", "lines", "GA cont.", "GA raw", "Drain3 same", "Drain published"))
    for name in sorted(os.listdir(args.dir)):
        if name not in FORMATS:
            continue
        truth_csv, rows = read_rows(os.path.join(args.dir, name), name)
        if not rows:
            continue
        result = {}
        for mode in ("content", "raw"):
            path = os.path.join(args.work, f"extra-{name}.{mode}.txt")
            with open(path, "w", encoding="utf-8") as f:
                for row in rows:
                    f.write((row["Content"] if mode == "content" else render(FORMATS[name], row)) + "\n")
            ids = subprocess.run([args.driver, "perline", path], check=True, capture_output=True,
                                 text=True).stdout.split()
            result[mode] = score(args.scorer, truth_csv, ids, args.work, f"extra-{name}.{mode}")["GA"]
        regexes, st, depth, published = DRAIN[name]
        try:
            reference = score(args.scorer, truth_csv, drain3_ids([r["Content"] for r in rows], regexes, st, depth),
                              args.work, f"extra-{name}.drain3")["GA"]
            reference_text = "%.4f" % reference
        except ImportError:
            reference_text = "-"
        print("%-10s %6d %9.4f %9.4f %11s %15.3f" % (name, len(rows), result["content"], result["raw"],
                                                     reference_text, published))


if __name__ == "__main__":
    main()
