"""Spark outside the dbt process: the Thrift server, a standalone cluster, the docker-compose
stack, and the background processes they run as."""
