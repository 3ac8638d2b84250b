#!/usr/bin/env python3
"""A boto3 scan of the whole table as JSON lines on stdout: one paginated scan, or SEGMENTS parallel
segments in threads. Usage: scan.py ENDPOINT TABLE [SEGMENTS]"""
import json
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from boto3.dynamodb.types import TypeDeserializer

from common import client

endpoint, table = sys.argv[1:3]
segments = int(sys.argv[3]) if len(sys.argv) > 3 else 1
ddb = client(endpoint)
plain = TypeDeserializer().deserialize
lock = threading.Lock()


def scan(segment):
    args = {"TableName": table}
    if segments > 1:
        args.update(Segment=segment, TotalSegments=segments)
    n = 0
    for page in ddb.get_paginator("scan").paginate(**args):
        lines = [json.dumps({k: plain(v) for k, v in item.items()}, default=str, sort_keys=True) for item in page["Items"]]
        with lock:
            sys.stdout.write("\n".join(lines) + ("\n" if lines else ""))
        n += len(lines)
    return n


if segments == 1:
    total = scan(0)
else:
    with ThreadPoolExecutor(segments) as pool:
        total = sum(pool.map(scan, range(segments)))
print(f"Scanned {total} items", file=sys.stderr)
