"""Pages of the routing app: distribution rules, the unassigned queue, call lists."""
