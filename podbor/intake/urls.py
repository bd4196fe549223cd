from django.urls import path  # noqa: F401  (each page group adds its lines below)

urlpatterns: list = [
]
