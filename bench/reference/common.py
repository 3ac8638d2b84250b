"""Shared by the boto3 references: a client for the benchmark's DynamoDB Local, and the synthetic data set
in the same shape as bin/ddb/seed --synthetic (generated here too, so both sides pay for generation)."""
import random
import sys
import uuid
from datetime import datetime, timedelta, timezone

import boto3

WORDS = ("station ambassador message table partition key sort query scan batch write read stream lambda index "
         "conversation timeline season episode shadow ranger captain council narn centauri minbari vorlon jumpgate "
         "starfury bootcamp cloud serverless container cache latency throughput retry").split()


def client(endpoint):
    return boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="reference", aws_secret_access_key="reference")


def resource_table(endpoint, table):
    return boto3.resource("dynamodb", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="reference", aws_secret_access_key="reference").Table(table)


def ts(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "+00:00"


def synthetic(conversations, messages, users=100, seed=42):
    """Plain-dict items: messages one minute apart and two group items per conversation."""
    rnd = random.Random(seed)
    people = [(str(uuid.UUID(int=rnd.getrandbits(128), version=4)), f"user{u + 1:05d}", f"Synthetic User {u + 1}")
              for u in range(users)]
    end = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for c in range(conversations):
        a, b = rnd.sample(people, 2)
        group = str(uuid.UUID(int=rnd.getrandbits(128), version=4))
        last = end - timedelta(seconds=c)
        text = ""
        for i in range(messages):
            sender = a if i % 2 == 0 else b
            text = " ".join(rnd.choice(WORDS) for _ in range(4 + rnd.randrange(12))) + "."
            yield {"pk": f"MSG#{group}", "sk": ts(last - timedelta(minutes=messages - 1 - i)),
                   "message_uuid": str(uuid.UUID(int=rnd.getrandbits(128), version=4)), "message": text,
                   "user_uuid": sender[0], "user_display_name": sender[2], "user_handle": sender[1]}
        for owner, other in ((a, b), (b, a)):
            yield {"pk": f"GRP#{owner[0]}", "sk": ts(last), "message_group_uuid": group, "message": text,
                   "user_uuid": other[0], "user_display_name": other[2], "user_handle": other[1]}


def typed(item):
    return {k: {"S": v} for k, v in item.items()}


if __name__ == "__main__":
    sys.exit("a module for the other references")
