#!/usr/bin/env python3
"""The original Cruddur list-conversations query in boto3 (reference for the benchmark and cross-checks).
Usage: list_conversations.py ENDPOINT TABLE USER_UUID [YEAR]"""
import json
import sys
from datetime import datetime

from common import client

endpoint, table, user_uuid = sys.argv[1:4]
year = sys.argv[4] if len(sys.argv) > 4 else str(datetime.now().year)
dynamodb = client(endpoint)
response = dynamodb.query(
    TableName=table,
    KeyConditionExpression="pk = :pk AND begins_with(sk,:year)",
    ScanIndexForward=False,
    ExpressionAttributeValues={":year": {"S": year}, ":pk": {"S": f"GRP#{user_uuid}"}},
    ReturnConsumedCapacity="TOTAL",
)
response.pop("ResponseMetadata", None)
print(json.dumps(response, sort_keys=True, indent=2))
