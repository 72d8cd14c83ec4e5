"""Application package: settings, composition root, CLI and chat channels."""
