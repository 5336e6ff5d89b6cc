"""The Elasticsearch node the tests may use: TEST_ELASTICSEARCH_URL (CI sets it, so that only
the tests that ask for the node talk to it; the rest of the suite keeps the database backend),
or ELASTICSEARCH_URL when a developer runs a test file by hand against a node."""

import os

ES_URL = os.environ.get("TEST_ELASTICSEARCH_URL") or os.environ.get("ELASTICSEARCH_URL", "")
SKIP_REASON = "Elasticsearch: neither TEST_ELASTICSEARCH_URL nor ELASTICSEARCH_URL is set"
