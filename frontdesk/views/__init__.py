"""The staff pages' views, one module per page family. Each parses, calls a selector or service, renders."""
