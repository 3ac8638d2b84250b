#!/usr/bin/env python3
"""Synthetic bulk load in boto3, two ways: Table.batch_writer() (one thread), or batch_write_item from
THREADS threads with UnprocessedItems retried. Usage: seed_bulk.py ENDPOINT TABLE CONVERSATIONS MESSAGES [THREADS]"""
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from itertools import islice

from common import client, resource_table, synthetic, typed

endpoint, table, conversations, messages = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
threads = int(sys.argv[5]) if len(sys.argv) > 5 else 0
items = synthetic(conversations, messages)
count = 0
if threads == 0:
    with resource_table(endpoint, table).batch_writer() as batch:
        for item in items:
            batch.put_item(Item=item)
            count += 1
else:
    ddb = client(endpoint)

    def write(chunk):
        pending = {table: [{"PutRequest": {"Item": typed(i)}} for i in chunk]}
        delay = 0.05
        while pending:
            pending = ddb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or None
            if pending:
                time.sleep(delay)
                delay = min(delay * 2, 2)
        return len(chunk)

    def chunks():
        it = iter(items)
        while chunk := list(islice(it, 25)):
            yield chunk

    with ThreadPoolExecutor(threads) as pool:
        count = sum(pool.map(write, chunks()))
print(f"Wrote {count} items")
