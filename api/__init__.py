"""ujikom: the LSP's competency-testing SOP run as BPMN on SpiffWorkflow behind FastAPI."""
