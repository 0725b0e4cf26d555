"""SQL over a Data Connector extract, in an embedded DuckDB.

`store` turns a folder of extract CSVs (and the README that says what each column means) into one DuckDB file
per account, with a small JSON description beside it; `engine` opens that file read-only with external access
off and its configuration locked, admits one query statement, and interrupts it at a time limit. DuckDB is
imported inside the functions that need it, so a server that never runs an analytics tool never loads it.
"""
