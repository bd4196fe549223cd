"""The manager's web UI, one module per page. Views parse input, call one service and render the result."""
