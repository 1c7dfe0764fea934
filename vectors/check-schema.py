#!/usr/bin/python3
"""Validate vector files against vectors/schema.json (JSON Schema 2020-12).

conform checks every vector file against the format before it runs, and
schema.json states the same format for other tools. Running both over
the real files shows that they agree. Usage:

    check-schema.py [FILE_OR_FOLDER]...

A folder stands for its *.json files but schema.json. With no argument,
the folder of this script. Prints one line per fault and a summary; exit
status 0 when every file is valid, 1 when one is not, 2 when a file
cannot be read or is not JSON.
"""
import glob
import json
import os
import sys

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))


def vector_files(args):
    """The files named by args, folders expanded, in name order."""
    files = []
    for arg in args or [HERE]:
        if not os.path.isdir(arg):
            files.append(arg)
            continue
        for path in sorted(glob.glob(os.path.join(arg, "*.json"))):
            if os.path.basename(path) != "schema.json":
                files.append(path)
    return files


def pointer(path):
    """The JSON Pointer of a jsonschema error path."""
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    return "/" + "/".join(parts) if parts else "(root)"


def main():
    with open(os.path.join(HERE, "schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    files = vector_files(sys.argv[1:])
    invalid = 0
    for path in files:
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print("%s: cannot be read as JSON: %s" % (path, e))
            return 2
        errors = sorted(validator.iter_errors(doc),
                        key=lambda e: pointer(e.path))
        for e in errors:
            e = jsonschema.exceptions.best_match([e])
            print("%s: %s: %s" % (path, pointer(e.absolute_path),
                                  e.message[:200]))
        invalid += bool(errors)
    print("schema: %d of %d vector files valid against %s" %
          (len(files) - invalid, len(files),
           os.path.relpath(os.path.join(HERE, "schema.json"))))
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main())
