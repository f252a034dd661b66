"""qabot front-ends: the console and Telegram, thin adapters over `retrieval.Engine`."""
