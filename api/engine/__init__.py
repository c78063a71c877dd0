"""The engine host around SpiffWorkflow: parsing, sandboxed scripts, child instances, persistence."""
