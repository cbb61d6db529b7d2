// Gateway: see README.md (Architecture) for what this module owns.
