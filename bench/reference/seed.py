#!/usr/bin/env python3
"""A boto3 seed of the sample conversations (seeds/), written with batch_writer.
Usage: seed.py ENDPOINT TABLE SEEDS_DIR"""
import glob
import json
import os
import sys
import uuid
from datetime import datetime, timedelta, timezone

from common import resource_table, ts

endpoint, table, seeds = sys.argv[1:4]
users = {u["handle"]: u for u in json.load(open(os.path.join(seeds, "users.json")))}
now = datetime.now(timezone.utc)
count = 0
with resource_table(endpoint, table).batch_writer() as batch:
    for c, path in enumerate(sorted(glob.glob(os.path.join(seeds, "conversations", "*.json")))):
        conv = json.load(open(path))
        last = now - timedelta(hours=c)
        messages = conv["messages"]
        for i, m in enumerate(messages):
            sender = users[m["from"]]
            batch.put_item(Item={"pk": "MSG#" + conv["message_group_uuid"],
                                 "sk": ts(last - timedelta(minutes=len(messages) - 1 - i)),
                                 "message_uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{conv['message_group_uuid']}#{i}")),
                                 "message": m["text"], "user_uuid": sender["uuid"],
                                 "user_display_name": sender["display_name"], "user_handle": sender["handle"]})
            count += 1
        a, b = (users[h] for h in conv["participants"])
        for owner, other in ((a, b), (b, a)):
            batch.put_item(Item={"pk": "GRP#" + owner["uuid"], "sk": ts(last),
                                 "message_group_uuid": conv["message_group_uuid"], "message": messages[-1]["text"],
                                 "user_uuid": other["uuid"], "user_display_name": other["display_name"],
                                 "user_handle": other["handle"]})
            count += 1
print(f"Seeded {count} items")
