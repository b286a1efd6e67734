"""The plumbing every app shares and none owns: the service error family and its REST shape,
the process-wide cache, pagination and Redis retries. It imports no app of the project."""
