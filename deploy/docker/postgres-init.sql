-- Run once by the postgres image on an empty volume: one database per subgraph, so that each can be
-- backed up, restored and moved on its own (pg_dump members / calendar / feed).
CREATE DATABASE members;
CREATE DATABASE calendar;
CREATE DATABASE feed;
