"""Adding an address to a customer: the full address shape, geo position optional."""

from __future__ import annotations

from django import forms

from .record_forms import (
    Json,
    RecordForm,
    text_field,
)
from .records import CustomerDetail
from .writes import CustomerWrite


class AddressForm(RecordForm):
    address_purpose = text_field(
        "Purpose",
        required=True,
        max_length=64,
        help_text="For example home, postal or work.",
        widget=forms.TextInput(attrs={"list": "address-purposes", "autocomplete": "off"}),
    )
    country = text_field("Country", required=True, max_length=64)
    area = text_field("Area or region")
    zip_code = text_field("Postal code", max_length=20)
    city = text_field("City", required=True)
    street = text_field("Street", required=True)
    street_number = text_field(
        "Street number", max_length=100, help_text="Several parts separated by commas, e.g. 12, A"
    )
    building = text_field("Building", max_length=64)
    apartment = text_field("Apartment", max_length=64)
    entrance = text_field("Entrance", max_length=64)
    floor = text_field("Floor", max_length=64)
    door_number = text_field("Door number", max_length=64)
    latitude = forms.FloatField(
        label="Latitude", required=False, min_value=-90, max_value=90, help_text="From -90 to 90"
    )
    longitude = forms.FloatField(
        label="Longitude",
        required=False,
        min_value=-180,
        max_value=180,
        help_text="From -180 to 180",
    )
    altitude = forms.FloatField(
        label="Altitude (m)",
        required=False,
        min_value=-500,
        max_value=9000,
        help_text="Optional, metres above sea level",
    )

    gateway_fields = {
        "addressPurpose": "address_purpose",
        "address.country": "country",
        "address.area": "area",
        "address.zipCode": "zip_code",
        "address.city": "city",
        "address.street": "street",
        "address.streetNumber": "street_number",
        "address.building": "building",
        "address.apartment": "apartment",
        "address.entrance": "entrance",
        "address.floor": "floor",
        "address.doorNumber": "door_number",
        "address.geoPosition.latitude": "latitude",
        "address.geoPosition.longitude": "longitude",
        "address.geoPosition.altitude": "altitude",
    }
    geo_fields = ("latitude", "longitude", "altitude")

    def clean_street_number(self) -> list[str]:
        typed: str = self.cleaned_data["street_number"]
        return [part.strip() for part in typed.split(",") if part.strip()]

    def clean(self) -> Json:
        data = super().clean() or {}
        latitude, longitude = data.get("latitude"), data.get("longitude")
        either_invalid = self.has_error("latitude") or self.has_error("longitude")
        if (latitude is None) != (longitude is None) and not either_invalid:
            missing = "longitude" if longitude is None else "latitude"
            self.add_error(missing, "Give latitude and longitude together, or neither.")
        if data.get("altitude") is not None and latitude is None and longitude is None:
            self.add_error("altitude", "An altitude needs a latitude and longitude.")
        return data

    def address(self) -> Json:
        data = self.cleaned_data
        geo: Json | None = None
        if data["latitude"] is not None and data["longitude"] is not None:
            geo = {"latitude": data["latitude"], "longitude": data["longitude"]}
            if data["altitude"] is not None:
                geo["altitude"] = data["altitude"]
        return {
            "country": data["country"],
            "area": data["area"],
            "zipCode": data["zip_code"],
            "city": data["city"],
            "street": data["street"],
            "streetNumber": data["street_number"],
            "building": data["building"],
            "apartment": data["apartment"],
            "entrance": data["entrance"],
            "floor": data["floor"],
            "doorNumber": data["door_number"],
            "geoPosition": geo,
        }

    def to_write(self, customer: CustomerDetail) -> CustomerWrite:
        purpose = self.cleaned_data["address_purpose"]
        address = self.address()
        summary = ", ".join(
            part
            for part in (
                " ".join([address["street"], *address["streetNumber"]]),
                " ".join(p for p in (address["zipCode"], address["city"]) if p),
                address["country"],
            )
            if part
        )
        return CustomerWrite(
            action="address",
            customer_id=customer.id,
            customer_name=customer.name,
            body={"addressPurpose": purpose, "address": address},
            after={"address": f"{purpose}: {summary}"},
        )
