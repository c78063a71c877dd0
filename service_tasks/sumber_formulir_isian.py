"""The values a form opens with (`x-isian`): what the process already knows, so a person confirms rather
than types."""
