"""The composer: target and route, payload forms, raw JSON, validation, snippets."""
