"""The REST API of the booking core: patients, treatment cycles (courses) and infusion sessions."""
