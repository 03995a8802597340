"""One module per view; each takes the Session and the WorkerPool."""
