"""The clinic-configuration part of /api/v1/: clinics, chairs, staff, protocols, closures, time off."""
