from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Management commands only (seed_demo, generate_data, demo_totp, devserver): no models, no
    URLs; the apps never import this package."""

    name = "demo"
