"""The front desk's web pages: server-rendered templates with htmx, over bookings' services and selectors."""
