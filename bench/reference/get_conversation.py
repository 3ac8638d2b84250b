#!/usr/bin/env python3
"""The original Cruddur get-conversation query in boto3 (reference for the benchmark and cross-checks).
Usage: get_conversation.py ENDPOINT TABLE MESSAGE_GROUP_UUID YEAR"""
import json
import sys
from datetime import datetime

from common import client

endpoint, table, group, year = sys.argv[1:5]
dynamodb = client(endpoint)
response = dynamodb.query(
    TableName=table,
    ScanIndexForward=False,
    Limit=20,
    ReturnConsumedCapacity="TOTAL",
    KeyConditionExpression="pk = :pk AND sk BETWEEN :start_date AND :end_date",
    ExpressionAttributeValues={
        ":start_date": {"S": f"{year}-01-01T00:00:00.000000+00:00"},
        ":end_date": {"S": f"{year}-12-31T23:59:59.999999+00:00"},
        ":pk": {"S": f"MSG#{group}"},
    },
)
response.pop("ResponseMetadata", None)
print(json.dumps(response, sort_keys=True, indent=2))
# The original's transcript, to stderr so stdout stays the JSON response.
for item in reversed(response["Items"]):
    when = datetime.strptime(item["sk"]["S"], "%Y-%m-%dT%H:%M:%S.%f%z").strftime("%Y-%m-%d %I:%M %p")
    print(f"{item['user_handle']['S']: <12}{when: <22}{item['message']['S'][:40]}...", file=sys.stderr)
