"""Demo and generated data, apart from the apps: the demo installation of `make run`
(`manage.py seed_demo`: platform, questions, knowledge_base, social_map) and the large,
deterministic data set of the benchmarks (`manage.py generate_data`: datagen,
datagen_articles). This package may import every app; no app imports it (import-linter's
layers in pyproject.toml). Its commands refuse to run against production data."""
