#!/bin/sh
# Proves that SPEC.md, requirements.json and constraints.json agree:
# the same rule ids with the same levels, each rule stated once in SPEC.md
# as "**ID** (LEVEL)" in the section that requirements.json names, every
# SHOULD rule argued, every id well formed, every id that constraints.json
# cites defined. Prints one summary line and exits 0, or names every
# disagreement on standard error and exits 1 (2 when a file is unreadable).
#
#   spec/check-spec.sh [DIR]     DIR holds the three files; default: the
#                                directory of this script
# Needs only python3 and its standard library.
dir=${1:-$(dirname "$0")}
command -v python3 >/dev/null 2>&1 || {
  echo "check-spec: python3 is required" >&2
  exit 2
}
exec python3 - "$dir" <<'PY'
import json
import os
import re
import sys

PREFIXES = ("ROUTE", "URI", "QUERY", "HTTP", "JSON", "BODY", "PARTS",
            "STATE", "ERR", "PREC", "CREATE", "PART", "LIST", "ABORT", "AUTH",
            "CHECKSUM", "LIMIT", "FAULT", "COMPLETE")
ID_RE = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$")
LEVELS = ("MUST", "SHOULD")
REQ_KEYS = {"id", "level", "title", "source", "section"}
OPERATIONS = {"CreateMultipartReadSetUpload", "UploadReadSetPart",
              "ListReadSetUploadParts", "CompleteMultipartReadSetUpload",
              "AbortMultipartReadSetUpload", "ListMultipartReadSetUploads"}
LOCATIONS = {"uri", "query", "body", "header"}
CON_KEYS = {"operation", "field", "location", "type", "required", "length",
            "range", "size", "pattern", "enum", "requirements"}
# A rule block opens a line: **ID** (LEVEL), and runs to the next rule
# block or heading. Any bold id at the start of a line is examined, so a
# misspelt level is caught, not skipped.
BLOCK_RE = re.compile(r"^\*\*([A-Z][A-Z0-9-]*)\*\*(?: \(([A-Z]+)\))?")
STATED_RE = re.compile(r"\*\*([A-Z][A-Z0-9-]*)\*\* \((?:MUST|SHOULD)\)")
HEAD_RE = re.compile(r"^#{2,4} ([0-9]+(?:\.[0-9]+)*)\.? ")

problems = []


def problem(text):
    problems.append(text)


def load_json(path):
    """Returns the parsed file, or None after recording why it failed."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        problem("%s: cannot be read as JSON: %s" % (os.path.basename(path), e))
        return None


def check_requirements(doc):
    """Returns {id: requirement} for the well-formed entries."""
    reqs = {}
    if not isinstance(doc, dict) or doc.get("version") != 1 or \
            not isinstance(doc.get("requirements"), list):
        problem("requirements.json: must be {\"version\": 1, "
                "\"requirements\": [...]}")
        return reqs
    for n, r in enumerate(doc["requirements"]):
        where = "requirements.json: entry %d" % n
        if not isinstance(r, dict):
            problem(where + ": is not an object")
            continue
        rid = r.get("id")
        if isinstance(rid, str):
            where = "requirements.json: %s" % rid
        if set(r) != REQ_KEYS:
            problem(where + ": members must be exactly %s, not %s"
                    % (sorted(REQ_KEYS), sorted(r)))
        for key in sorted(REQ_KEYS & set(r)):
            v = r[key]
            if not isinstance(v, str) or not v.strip() or "\n" in v:
                problem(where + ": %s must be a non-empty one-line string"
                        % key)
        if not isinstance(rid, str):
            continue
        if not ID_RE.match(rid):
            problem(where + ": id is not upper case words joined by '-'")
        elif rid.split("-")[0] not in PREFIXES:
            problem(where + ": id has an unknown area prefix %r"
                    % rid.split("-")[0])
        if rid in reqs:
            problem(where + ": id is defined more than once")
            continue
        level = r.get("level")
        if level not in LEVELS:
            problem(where + ": level must be MUST or SHOULD, not %r" % level)
        source = r.get("source")
        if isinstance(source, str) and level in LEVELS:
            if level == "SHOULD" and not source.startswith("Decision "):
                problem(where + ": a SHOULD rule's source must name its "
                        "decision (\"Decision N ...\")")
            if level == "MUST" and source.startswith("Decision "):
                problem(where + ": a MUST rule must rest on a published "
                        "source, not a decision")
        section = r.get("section")
        if isinstance(section, str) and \
                not re.match(r"^[0-9]+(\.[0-9]+)*$", section):
            problem(where + ": section %r is not a section number" % section)
        reqs[rid] = r
    return reqs


def spec_blocks(text):
    """Returns [(id, level, section, block text, line number)]."""
    blocks = []
    section = None
    lines = text.split("\n")
    in_code = False
    for i, line in enumerate(lines):
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue
        h = HEAD_RE.match(line)
        if h:
            section = h.group(1)
            continue
        m = BLOCK_RE.match(line)
        if not m:
            continue
        block = [line]
        for follow in lines[i + 1:]:
            if HEAD_RE.match(follow) or BLOCK_RE.match(follow):
                break
            block.append(follow)
        blocks.append((m.group(1), m.group(2), section, "\n".join(block),
                       i + 1))
    return blocks


def check_spec(text, reqs):
    """Compares the rule blocks of SPEC.md with requirements.json."""
    seen = {}
    for rid, level, section, block, line in spec_blocks(text):
        where = "SPEC.md:%d: %s" % (line, rid)
        if level not in LEVELS:
            problem(where + ": a rule block must read **ID** (MUST) or "
                    "**ID** (SHOULD)")
            continue
        if rid in seen:
            problem(where + ": stated again (first at line %d)" % seen[rid])
            continue
        seen[rid] = line
        r = reqs.get(rid)
        if r is None:
            problem(where + ": not in requirements.json")
            continue
        if r.get("level") != level:
            problem(where + ": level %s, requirements.json says %s"
                    % (level, r.get("level")))
        if r.get("section") != section:
            problem(where + ": stated in section %s, requirements.json "
                    "says %s" % (section, r.get("section")))
        if "\nSource: " not in block:
            problem(where + ": the block has no \"Source:\" line")
        if "SHOULD" in (level, r.get("level")) and "\nWhy: " not in block:
            problem(where + ": a SHOULD rule has no \"Why:\" argument")
    # Anywhere in the text, not only at the start of a line.
    stated = {}
    for m in STATED_RE.finditer(text):
        stated[m.group(1)] = stated.get(m.group(1), 0) + 1
    for rid, n in sorted(stated.items()):
        if n > 1 and rid in seen:
            problem("SPEC.md: %s: \"**%s** (LEVEL)\" occurs %d times; a "
                    "rule is stated once" % (rid, rid, n))
        elif rid not in seen:
            problem("SPEC.md: %s: \"**%s** (LEVEL)\" occurs inside a line; "
                    "a rule block starts a line" % (rid, rid))
    for rid in sorted(set(reqs) - set(seen)):
        problem("SPEC.md: %s (%s) of requirements.json is not stated as "
                "**%s** (%s)" % (rid, reqs[rid].get("level"), rid,
                                 reqs[rid].get("level")))


def check_bounds(where, name, value, low):
    if value is None:
        return
    if not isinstance(value, dict) or set(value) != {"min", "max"} or \
            not all(isinstance(value[k], int) and
                    not isinstance(value[k], bool) for k in value):
        problem(where + ": %s must be null or {\"min\": int, \"max\": int}"
                % name)
    elif value["min"] < low or value["min"] > value["max"]:
        problem(where + ": %s has min %d and max %d"
                % (name, value["min"], value["max"]))


def check_constraints(doc, reqs):
    """Checks the shape of constraints.json and the ids it cites."""
    if not isinstance(doc, list):
        problem("constraints.json: must be an array of constraints")
        return
    keys = set()
    for n, c in enumerate(doc):
        where = "constraints.json: entry %d" % n
        if not isinstance(c, dict):
            problem(where + ": is not an object")
            continue
        where += " (%s %s)" % (c.get("operation"), c.get("field"))
        if set(c) != CON_KEYS:
            problem(where + ": members must be exactly %s, not %s"
                    % (sorted(CON_KEYS), sorted(c)))
        if c.get("operation") not in OPERATIONS:
            problem(where + ": unknown operation")
        if not isinstance(c.get("field"), str) or not c.get("field"):
            problem(where + ": field must be a non-empty string")
        if c.get("location") not in LOCATIONS:
            problem(where + ": location must be one of %s"
                    % sorted(LOCATIONS))
        if not isinstance(c.get("type"), str) or not c.get("type"):
            problem(where + ": type must be a non-empty string")
        if not isinstance(c.get("required"), bool):
            problem(where + ": required must be true or false")
        check_bounds(where, "length", c.get("length"), 0)
        check_bounds(where, "range", c.get("range"), -2 ** 63)
        check_bounds(where, "size", c.get("size"), 0)
        pattern = c.get("pattern")
        if pattern is not None and (not isinstance(pattern, str) or
                                    not pattern):
            problem(where + ": pattern must be null or a non-empty string")
        enum = c.get("enum")
        if enum is not None and (not isinstance(enum, list) or not enum or
                                 not all(isinstance(v, str) for v in enum)):
            problem(where + ": enum must be null or a list of strings")
        ids = c.get("requirements")
        if not isinstance(ids, list) or not ids:
            problem(where + ": requirements must be a non-empty list")
            ids = []
        for rid in ids:
            if rid not in reqs:
                problem(where + ": cites %r, which requirements.json does "
                        "not define" % (rid,))
        if len(set(map(str, ids))) != len(ids):
            problem(where + ": cites an id twice")
        key = (c.get("operation"), c.get("field"), c.get("location"))
        if key in keys:
            problem(where + ": the same field is described twice")
        keys.add(key)


def main():
    root = sys.argv[1]
    paths = {name: os.path.join(root, name) for name in
             ("SPEC.md", "requirements.json", "constraints.json")}
    try:
        with open(paths["SPEC.md"], encoding="utf-8") as f:
            spec = f.read()
    except (OSError, ValueError) as e:
        print("check-spec: cannot read SPEC.md: %s" % e, file=sys.stderr)
        return 2
    req_doc = load_json(paths["requirements.json"])
    con_doc = load_json(paths["constraints.json"])
    if req_doc is None or con_doc is None:
        for p in problems:
            print("check-spec: " + p, file=sys.stderr)
        return 2
    reqs = check_requirements(req_doc)
    check_spec(spec, reqs)
    check_constraints(con_doc, reqs)
    must = sum(1 for r in reqs.values() if r.get("level") == "MUST")
    should = sum(1 for r in reqs.values() if r.get("level") == "SHOULD")
    if problems:
        for p in problems:
            print("check-spec: " + p, file=sys.stderr)
        print("spec: %d disagreement%s" % (len(problems),
                                           "" if len(problems) == 1 else "s"),
              file=sys.stderr)
        return 1
    print("spec: %d requirements (%d MUST, %d SHOULD), consistent"
          % (len(reqs), must, should))
    return 0


sys.exit(main())
PY
