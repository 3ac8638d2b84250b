#!/usr/bin/env python3
"""The original Cruddur schema-load in boto3. Usage: schema_load.py ENDPOINT TABLE"""
import sys

from common import client

endpoint, table = sys.argv[1:3]
response = client(endpoint).create_table(
    TableName=table,
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    BillingMode="PROVISIONED",
    ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
)
print(response)
