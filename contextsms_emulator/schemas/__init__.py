"""Wire models: request bodies (validated) and response bodies (documented), per dialect."""
