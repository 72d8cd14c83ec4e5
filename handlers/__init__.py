"""Channel-neutral handlers: understand a message, call one use case, render a template."""
