"""The producer service: takes raw articles from a crawler and publishes them to `articles`."""
