"""Reads every snapshot and index.json in a loop while personad rewrites them and is killed.

Each read must be a whole JSON document that validates against the published schema: a torn or
half-written file would fail. Stops when the file named by --stop exists; prints its counts as JSON.
"""
import argparse
import hashlib
import json
import os
import sys
import time

import jsonschema


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--snapshots", required=True)
    parser.add_argument("--schemas", required=True, help="the Docs directory with snapshot.schema.json and index.schema.json")
    parser.add_argument("--stop", required=True)
    args = parser.parse_args()
    with open(os.path.join(args.schemas, "snapshot.schema.json")) as f:
        snapshot = jsonschema.Draft202012Validator(json.load(f))
    with open(os.path.join(args.schemas, "index.schema.json")) as f:
        index = jsonschema.Draft202012Validator(json.load(f))
    reads = invalid_json = invalid_schema = 0
    examples = []
    # The same bytes validate the same way: each distinct content is checked against the schema
    # once (a large snapshot takes a while), every read is parsed.
    verdicts = {}
    while not os.path.exists(args.stop):
        try:
            names = [n for n in os.listdir(args.snapshots) if n.endswith(".json") and not n.startswith(".")]
        except FileNotFoundError:
            time.sleep(0.01)
            continue
        for name in names:
            path = os.path.join(args.snapshots, name)
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except FileNotFoundError:
                continue  # a persona removed between the listing and the read
            reads += 1
            try:
                document = json.loads(data)
            except ValueError as error:
                invalid_json += 1
                examples.append(f"{name}: {error}")
                continue
            key = (name == "index.json", hashlib.sha1(data).digest())
            if key not in verdicts:
                validator = index if name == "index.json" else snapshot
                errors = list(validator.iter_errors(document))
                verdicts[key] = errors[0].message if errors else None
            if verdicts[key] is not None:
                invalid_schema += 1
                examples.append(f"{name}: {verdicts[key]}")
    json.dump({"reads": reads, "distinct_documents": len(verdicts), "invalid_json": invalid_json, "invalid_schema": invalid_schema,
               "examples": examples[:5]}, sys.stdout)


if __name__ == "__main__":
    main()
