#!/usr/bin/env python3
"""The app's cruddur-messaging-stream Lambda, per record, as the reference for the benchmark's stream section.

Its handler body is kept as the bootcamp wrote it (aws/lambdas/cruddur-messaging-stream.py): for a record of a MSG#
item, query message-group-sk-index for the conversation, then DeleteItem and PutItem each group item at the message's
sk. Around it, what Lambda's event source mapping does for it: every shard, parents first, each record in order, from
the oldest record until an empty page (DynamoDB Local's end of a shard). Unlike the deployed Lambda, which reads only
Records[0] of each batch, every record is handled, so that both sides do the same work.
Usage: stream_lambda.py ENDPOINT TABLE  (prints "N records, M messages" on stdout)"""
import sys

from boto3.dynamodb.conditions import Key

from common import resource_table
import boto3

endpoint, table_name = sys.argv[1:3]
table = resource_table(endpoint, table_name)
streams = boto3.client("dynamodbstreams", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id="reference", aws_secret_access_key="reference")


def handle(record):
    """The Lambda's handler body, for one record."""
    if record["eventName"] == "REMOVE":
        return False
    pk = record["dynamodb"]["Keys"]["pk"]["S"]
    sk = record["dynamodb"]["Keys"]["sk"]["S"]
    if not pk.startswith("MSG#"):
        return False
    group_uuid = pk.replace("MSG#", "")
    message = record["dynamodb"]["NewImage"]["message"]["S"]
    data = table.query(IndexName="message-group-sk-index", KeyConditionExpression=Key("message_group_uuid").eq(group_uuid))
    for i in data["Items"]:
        table.delete_item(Key={"pk": i["pk"], "sk": i["sk"]})
        table.put_item(Item={
            "pk": i["pk"],
            "sk": sk,
            "message_group_uuid": i["message_group_uuid"],
            "message": message,
            "user_display_name": i["user_display_name"],
            "user_handle": i["user_handle"],
            "user_uuid": i["user_uuid"],
        })
    return True


arn = table.meta.client.describe_table(TableName=table_name)["Table"]["LatestStreamArn"]
shards, done = [], set()
kwargs = {}
while True:
    page = streams.describe_stream(StreamArn=arn, **kwargs)["StreamDescription"]
    shards += page["Shards"]
    if "LastEvaluatedShardId" not in page:
        break
    kwargs = {"ExclusiveStartShardId": page["LastEvaluatedShardId"]}
records = messages = 0
ids = {s["ShardId"] for s in shards}
while len(done) < len(shards):
    for shard in shards:
        parent = shard.get("ParentShardId")
        if shard["ShardId"] in done or (parent in ids and parent not in done):
            continue
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while iterator:
            answer = streams.get_records(ShardIterator=iterator)
            for record in answer["Records"]:
                records += 1
                messages += handle(record)
            iterator = answer.get("NextShardIterator") if answer["Records"] else None
        done.add(shard["ShardId"])
print(f"{records} records, {messages} messages")
