"""The open-data statistics API (/api/v1/stats/)."""
