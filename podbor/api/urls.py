from ninja import NinjaAPI

api = NinjaAPI(title="Podbor API", version="1")
