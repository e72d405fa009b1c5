raise RuntimeError("configuration file settings.toml not found")
